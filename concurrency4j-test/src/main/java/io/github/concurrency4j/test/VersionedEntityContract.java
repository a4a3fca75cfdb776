package io.github.concurrency4j.test;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.RollbackException;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Proves that a JPA entity is protected by its {@code @Version}. Implement it in a test class and give the entity
 * manager factory, a new entity and a change; JUnit runs the three tests below.
 *
 * <pre>{@code
 * class BookIsProtectedTest implements VersionedEntityContract<Book> {
 *     public EntityManagerFactory entityManagerFactory() { return emf; }
 *     public Class<Book> entityType() { return Book.class; }
 *     public Book newEntity() { return new Book(9001L, "Dune"); }
 *     public void change(Book book) { book.setTitle("Dune Messiah"); }
 * }
 * }</pre>
 *
 * @param <T> the entity type
 */
public interface VersionedEntityContract<T> {

    /** The persistence unit the entity belongs to. */
    EntityManagerFactory entityManagerFactory();

    /** The entity class. */
    Class<T> entityType();

    /** A new, not yet persisted entity. */
    T newEntity();

    /** Changes a persistent attribute of the entity. */
    void change(T entity);

    /** The entity has a {@code @Version} attribute. */
    @Test
    default void entityIsUnderManagement() {
        Assertions.assertNotNull(versionAttribute(), () -> entityType().getName() + " has no @Version attribute");
    }

    /** A persisted entity gets an initial version. */
    @Test
    default void newEntityGetsTheInitialVersion() {
        Object id = inTransaction(em -> {
            T e = newEntity();
            em.persist(e);
            em.flush();
            return entityManagerFactory().getPersistenceUnitUtil().getIdentifier(e);
        });
        try {
            Object version = inTransaction(em -> version(em.find(entityType(), id)));
            Assertions.assertNotNull(version, "the new entity has no version");
        } finally {
            remove(id);
        }
    }

    /** Two persistence contexts load the same version; the first commit wins, the second is refused. */
    @Test
    default void staleSaveIsRefused() {
        Object id = inTransaction(em -> {
            T e = newEntity();
            em.persist(e);
            em.flush();
            return entityManagerFactory().getPersistenceUnitUtil().getIdentifier(e);
        });
        try {
            EntityManager first = entityManagerFactory().createEntityManager();
            EntityManager second = entityManagerFactory().createEntityManager();
            try {
                first.getTransaction().begin();
                second.getTransaction().begin();
                T a = first.find(entityType(), id);
                T b = second.find(entityType(), id);
                Object before = version(a);
                change(a);
                first.getTransaction().commit();
                change(b);
                Throwable refused = Assertions.assertThrows(RuntimeException.class,
                        () -> second.getTransaction().commit(), "the stale commit must be refused");
                Assertions.assertTrue(refused instanceof OptimisticLockException
                                || refused instanceof RollbackException
                                && refused.getCause() instanceof OptimisticLockException,
                        () -> "expected an OptimisticLockException, got " + refused);
                Object after = inTransaction(em -> version(em.find(entityType(), id)));
                Assertions.assertNotEquals(before, after, "the first commit must bump the version");
            } finally {
                if (second.getTransaction().isActive()) {
                    second.getTransaction().rollback();
                }
                first.close();
                second.close();
            }
        } finally {
            remove(id);
        }
    }

    private SingularAttribute<?, ?> versionAttribute() {
        EntityType<T> type = entityManagerFactory().getMetamodel().entity(entityType());
        for (SingularAttribute<?, ?> a : type.getSingularAttributes()) {
            if (a.isVersion()) {
                return a;
            }
        }
        return null;
    }

    private Object version(T entity) {
        SingularAttribute<?, ?> a = versionAttribute();
        Assertions.assertNotNull(a, () -> entityType().getName() + " has no @Version attribute");
        try {
            java.lang.reflect.Member m = a.getJavaMember();
            if (m instanceof java.lang.reflect.Field f) {
                f.trySetAccessible();
                return f.get(entity);
            }
            java.lang.reflect.Method getter = (java.lang.reflect.Method) m;
            getter.trySetAccessible();
            return getter.invoke(entity);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read the version of " + entityType().getName(), e);
        }
    }

    private <R> R inTransaction(Function<EntityManager, R> work) {
        EntityManager em = entityManagerFactory().createEntityManager();
        try {
            em.getTransaction().begin();
            R result = work.apply(em);
            em.getTransaction().commit();
            return result;
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }

    private void remove(Object id) {
        Consumer<EntityManager> delete = em -> {
            T e = em.find(entityType(), id);
            if (e != null) {
                em.remove(e);
            }
        };
        inTransaction(em -> {
            delete.accept(em);
            return null;
        });
    }
}
