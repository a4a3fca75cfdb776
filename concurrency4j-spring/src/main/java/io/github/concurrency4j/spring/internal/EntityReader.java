package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Row;

/**
 * Reads persistence-managed entities as rows (attribute name to value), so that forms and conflict pages treat
 * JPA entities like declared tables. Implemented for JPA by {@link JpaEntityReader}; kept free of JPA types so that
 * classes using it load without JPA on the class path.
 */
public interface EntityReader {

    /** Whether the object is an instance of a managed entity type. */
    boolean isEntity(Object candidate);

    /** The entity's name, its key, its version and its basic attributes. */
    Row row(Object entity);

    /** The entity's name for tokens and pages (the JPA entity name). */
    String entityName(Class<?> type);

    /** The entity type named by a class name or an entity name, or {@code null}. */
    Class<?> entityType(String classOrEntityName);

    /**
     * The row as stored now, or {@code null} when it no longer exists: read through the request's own persistence
     * context when it has one (never a second connection), else a new one.
     */
    Row current(Class<?> type, Object id);
}
