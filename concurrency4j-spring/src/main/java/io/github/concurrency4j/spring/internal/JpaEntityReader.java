package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Row;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityNotFoundException;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;

/** {@link EntityReader} over a JPA metamodel. */
public final class JpaEntityReader implements EntityReader {
    private final EntityManagerFactory emf;

    public JpaEntityReader(EntityManagerFactory emf) {
        this.emf = Objects.requireNonNull(emf, "emf");
    }

    @Override
    public boolean isEntity(Object candidate) {
        return candidate != null && type(candidate.getClass()) != null;
    }

    @Override
    public Row row(Object entity) {
        EntityType<?> type = type(entity.getClass());
        if (type == null) {
            throw new IllegalArgumentException(entity.getClass().getName() + " is not a JPA entity.");
        }
        Object id = emf.getPersistenceUnitUtil().getIdentifier(entity);
        if (id == null) {
            throw new IllegalArgumentException("The " + type.getName() + " has no id yet: a form for a new entity "
                    + "needs no version token.");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Long version = null;
        for (SingularAttribute<?, ?> a : type.getSingularAttributes()) {
            if (a.getPersistentAttributeType() != Attribute.PersistentAttributeType.BASIC) {
                continue;
            }
            Object v = read(a.getJavaMember(), entity);
            values.put(a.getName(), v);
            if (a.isVersion()) {
                version = v == null ? null : ((Number) v).longValue();
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("The entity " + type.getName() + " has no @Version attribute (or it is "
                    + "null): add one, or declare its table and use VersionedTable.");
        }
        return new Row(id, version, values);
    }

    @Override
    public String entityName(Class<?> type) {
        EntityType<?> t = type(type);
        return t == null ? type.getSimpleName() : t.getName();
    }

    @Override
    public Class<?> entityType(String classOrEntityName) {
        for (EntityType<?> t : emf.getMetamodel().getEntities()) {
            if (t.getJavaType().getName().equals(classOrEntityName) || t.getName().equals(classOrEntityName)) {
                return t.getJavaType();
            }
        }
        return null;
    }

    @Override
    public Row current(Class<?> type, Object id) {
        // The request's own EntityManager when it has one (a transaction, or open-in-view): a new one would take a
        // second pooled connection while the request may already hold one.
        EntityManager bound = EntityManagerFactoryUtils.getTransactionalEntityManager(emf);
        if (bound != null) {
            Object entity = bound.find(type, id);
            if (entity == null) {
                return null;
            }
            try {
                // find answers from the persistence context, which may hold an older copy.
                bound.refresh(entity);
            } catch (EntityNotFoundException deleted) {
                return null;
            }
            return row(entity);
        }
        EntityManager em = emf.createEntityManager();
        try {
            Object entity = em.find(type, id);
            return entity == null ? null : row(entity);
        } finally {
            em.close();
        }
    }

    private EntityType<?> type(Class<?> javaType) {
        for (Class<?> c = javaType; c != null && c != Object.class; c = c.getSuperclass()) {
            for (EntityType<?> t : emf.getMetamodel().getEntities()) {
                if (t.getJavaType() == c) {
                    return t;
                }
            }
        }
        return null;
    }

    private static Object read(Member member, Object entity) {
        try {
            if (member instanceof Field f) {
                f.trySetAccessible();
                return f.get(entity);
            }
            if (member instanceof Method m) {
                m.trySetAccessible();
                return m.invoke(entity);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read " + member + " of " + entity.getClass().getName(), e);
        }
        throw new IllegalStateException("Cannot read " + member);
    }
}
