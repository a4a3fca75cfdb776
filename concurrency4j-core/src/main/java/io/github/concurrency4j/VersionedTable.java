package io.github.concurrency4j;

import java.sql.Connection;
import java.util.Map;
import java.util.Optional;

/**
 * One declared table. Every write names the version it was based on and is applied only if that version is still
 * current, in a single statement:
 *
 * <pre>{@code UPDATE product SET name = ?, version = ? WHERE id = ? AND version = ?}</pre>
 *
 * <p>A write whose version is stale is refused with {@link RecordModifiedException}, which carries the row as it
 * is now. Obtain instances from {@link Concurrency#table(String)}; they are thread-safe.
 */
public interface VersionedTable {

    /** The declared table name. */
    String name();

    /** The declaration: key, version column and strategy. */
    TableDeclaration declaration();

    /**
     * Inserts a row with the strategy's initial version. When {@code values} has no key, the database generates
     * one.
     *
     * @param values column values; must not contain the version column
     * @return the new row's key and version
     */
    Identity insert(Map<String, ?> values);

    /** The row with this key, or empty. */
    Optional<Row> find(Object key);

    /** The row with this key if it is still at this version, otherwise empty. */
    Optional<Row> find(Object key, long version);

    /** Whether the row has changed (or been deleted) since it was at this version. */
    boolean isChanged(Object key, long version);

    /**
     * Applies changes to one row if it is still at the expected version, and bumps the version as the strategy
     * says. One statement on the happy path.
     *
     * @param key the row's key
     * @param expectedVersion the version the changes were based on; {@code null} is refused while versions are
     *     required and checks are on
     * @param changes column values to set; neither the key nor the version column
     * @return the row's new version
     * @throws RecordModifiedException when the row is at another version or was deleted; nothing was written
     * @throws MissingVersionException when no version was given and one is required
     */
    long update(Object key, Long expectedVersion, Map<String, ?> changes);

    /**
     * Deletes one row if it is still at the expected version.
     *
     * @throws RecordModifiedException when the row is at another version or was already deleted; nothing was
     *     deleted
     * @throws MissingVersionException when no version was given and one is required
     */
    void delete(Object key, Long expectedVersion);

    /**
     * This table with Java records as rows: record components map to columns by name (camelCase to snake_case).
     *
     * @throws DeclarationException when a component has no column, or the key or version column has no component
     */
    <R extends Record> RecordTable<R> as(Class<R> recordType);

    /**
     * This table running on the given connection, inside whatever transaction the caller has open on it. The
     * connection is never closed, committed or rolled back by the engine.
     */
    VersionedTable using(Connection connection);
}
