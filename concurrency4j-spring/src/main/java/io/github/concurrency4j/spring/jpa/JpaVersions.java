package io.github.concurrency4j.spring.jpa;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.internal.EntityReader;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityNotFoundException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes {@code @Version} entities against the version the user submitted.
 *
 * <p>The classic lost update: a controller loads the entity, copies the form onto it and saves. Hibernate then
 * checks the version it just loaded, not the one the form was rendered with, so a stale form silently overwrites a
 * newer save (and copying the submitted version onto the managed entity is ignored). {@code JpaVersions} compares
 * the submitted version with the loaded one first and refuses a stale write with {@link RecordModifiedException}
 * (the stored values included, for the 409 page); a save that races in between load and flush is caught by
 * Hibernate's own {@code WHERE version = ?} check.
 *
 * <pre>{@code
 * @PostMapping("/products/{id}")
 * @Transactional
 * public String save(@PathVariable long id, @VersionToken(table = "Product") long version, ProductForm form) {
 *     jpaVersions.update(Product.class, id, version, p -> p.setName(form.name()));
 *     return "redirect:/products/" + id;
 * }
 * }</pre>
 *
 * Every method must run inside a transaction (a {@code @Transactional} method).
 */
public final class JpaVersions {
    private final EntityManager entityManager;
    private final EntityReader entities;

    /**
     * @param entityManager the shared (transaction-bound) entity manager
     * @param entities reads entities as rows for the conflict
     */
    public JpaVersions(EntityManager entityManager, EntityReader entities) {
        this.entityManager = Objects.requireNonNull(entityManager, "entityManager");
        this.entities = Objects.requireNonNull(entities, "entities");
    }

    /**
     * Loads the entity, refuses the write if it is no longer at the submitted version, else applies the changes
     * and flushes, so that Hibernate's version check runs now, and reads the stored row back (for a table whose
     * version a trigger maintains, the version the trigger set).
     *
     * @return the managed entity, with its new version
     * @throws RecordModifiedException when the entity is at another version or was deleted; nothing was written
     */
    public <T> T update(Class<T> type, Object id, long submittedVersion, Consumer<? super T> changes) {
        T entity = checked(type, id, submittedVersion);
        changes.accept(entity);
        entityManager.flush();
        // Read back what the database stored: a trigger-versioned table's trigger has the last word on the version.
        entityManager.refresh(entity);
        return entity;
    }

    /**
     * Deletes the entity if it is still at the submitted version.
     *
     * @throws RecordModifiedException when the entity is at another version or was already deleted
     */
    public void delete(Class<?> type, Object id, long submittedVersion) {
        Object entity = checked(type, id, submittedVersion);
        entityManager.remove(entity);
        entityManager.flush();
    }

    /**
     * The managed entity, if it is still at the submitted version; the caller changes it and the transaction's
     * flush applies the change under Hibernate's version check.
     *
     * @throws RecordModifiedException when the entity is at another version or was deleted
     */
    public <T> T checked(Class<T> type, Object id, long submittedVersion) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        if (!entityManager.isJoinedToTransaction()) {
            throw new IllegalStateException("JpaVersions must run inside a transaction: annotate the calling method "
                    + "with @Transactional.");
        }
        String name = entities.entityName(type);
        T entity = entityManager.find(type, id);
        if (entity == null) {
            throw new RecordModifiedException(name, id, submittedVersion, null, Map.of(), "update");
        }
        Row row = entities.row(entity);
        if (row.version() != submittedVersion) {
            // The loaded entity may be stale in this persistence context; the stored row is what the user must see.
            // It is read on this transaction's own connection: reading it through a new EntityManager would hold a
            // second pooled connection per stale request, and a burst of them starves the pool (every request
            // holding one connection, waiting for another).
            throw new RecordModifiedException(name, id, submittedVersion, stored(entity), Map.of(), "update");
        }
        return entity;
    }

    /** The entity as stored now, read again in this transaction; {@code null} when it has been deleted. */
    private Row stored(Object entity) {
        try {
            entityManager.refresh(entity);
        } catch (EntityNotFoundException deleted) {
            return null;
        }
        return entities.row(entity);
    }
}
