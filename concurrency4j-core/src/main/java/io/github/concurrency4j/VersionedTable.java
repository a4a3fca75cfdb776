package io.github.concurrency4j;

import java.sql.Connection;
import java.util.Collection;
import java.util.List;
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
     * <p>Where version checks are off for this table or row in the current thread (a {@link DisableScope}, the
     * table declared disabled, or checks disabled globally), {@code values} may carry the version column: the row is
     * inserted at that version, as an import or a fixture load needs (the seed's {@code loaddata}). Elsewhere a
     * version in {@code values} is refused, so a deleted row cannot come back under an old version that forms opened
     * before the delete still carry; {@link #restore(Map, long)} puts such a row back safely.
     *
     * @param values column values; the version column only where checks are off (see above)
     * @return the new row's key and version
     * @throws IllegalArgumentException when {@code values} carries a version while checks are on, or a version that
     *         is not a whole number from 0 up; nothing is inserted
     */
    Identity insert(Map<String, ?> values);

    /** The row with this key, or empty. */
    Optional<Row> find(Object key);

    /** The row with this key if it is still at this version, otherwise empty. */
    Optional<Row> find(Object key, long version);

    /**
     * The row with this key as it is now, never older than {@code minVersion}: for a read that follows the user's
     * own save, when reads may come from a lagging replica ({@link Concurrency.Builder#readReplica}). Pass the
     * version the user's last save returned (a form's version token carries it). Without a replica this is
     * {@link #find(Object)}.
     *
     * @return the row, or empty when it does not exist
     */
    default Optional<Row> findAtLeast(Object key, long minVersion) {
        return find(key);
    }

    /**
     * The row with this key as the latest commit left it, read where writes go, never from a lagging read replica
     * ({@link Concurrency.Builder#readReplica}): for a read whose version decides a write, such as the current version
     * an unconditional or {@code If-Match: *} request writes over. Without a replica this is {@link #find(Object)}.
     *
     * @param key the row's key
     * @return the row, or empty when it does not exist
     */
    default Optional<Row> findCurrent(Object key) {
        return find(key);
    }

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
     * Applies changes to one row if it is still at the expected version, leaving the version as it is: the seed's
     * save with {@code update_fields} that leave out the version. For a change that must not invalidate what other
     * users have open (a view counter, a "last seen" stamp); a form that saves real edits should use
     * {@link #update(Object, Long, Map)}. A {@link VersionStrategy#trigger()} version still rises by one: its
     * trigger runs in the database, and the statement bumps it too (to the same value), so it rises even where the
     * trigger is missing.
     *
     * @param key the row's key
     * @param expectedVersion the version the changes were based on
     * @param changes column values to set; neither the key nor the version column
     * @return the row's version, unchanged (for a trigger table, the risen one the row holds)
     * @throws RecordModifiedException when the row is at another version or was deleted; nothing was written
     */
    long updateWithoutIncrement(Object key, long expectedVersion, Map<String, ?> changes);

    /**
     * Verifies that the row is still at this version, without writing: the seed's {@code concurrency_check}, for
     * work that does not write this row but must not go ahead on a stale view of it. In auto-commit it reads the
     * latest committed row. On a connection inside the caller's transaction ({@link #using(Connection)}) it reads
     * with a shared lock (PostgreSQL {@code FOR SHARE}, MariaDB {@code LOCK IN SHARE MODE}; {@code FOR UPDATE} on
     * H2; SQLite's write lock): a plain read there would see the transaction's snapshot and could pass a version
     * that has since been replaced, and the lock keeps the verdict true until the transaction ends. With checks
     * disabled for this row in the current thread, it passes without reading.
     *
     * @throws RecordModifiedException (operation {@code "check"}) when the row is at another version or has been
     *     deleted; it carries the current row
     * @throws StatementFailedException when the database fails the read, for example PostgreSQL refusing a locking
     *     read of a row changed after a REPEATABLE READ snapshot (the transaction must be retried)
     */
    void check(Object key, long expectedVersion);

    /**
     * {@link #check(Object, long)} that also locks the row exclusively ({@code SELECT ... FOR UPDATE}; SQLite: the
     * database's write lock) until the caller's transaction ends, so that no one can change it between the check
     * and the caller's own writes. Must run on a connection inside an open transaction ({@link #using(Connection)}
     * after {@code setAutoCommit(false)}, or a transaction-bound connection source).
     *
     * @throws RecordModifiedException (operation {@code "check"}) when the row is at another version or deleted
     * @throws IllegalStateException when the connection is in auto-commit, where the lock would end at once
     */
    void checkAndLock(Object key, long expectedVersion);

    /**
     * Puts a deleted row back under its old key at a version above every version it had: the seed's
     * django-reversion recipe, without its hole. {@link #insert(Map)} starts a row at the initial version, so a
     * form opened before the delete (still holding version 1, say) would overwrite the restored row; after a
     * restore every version issued before the delete is stale. The new version is {@code lastVersion + 1}
     * (timestamp versions: that or now, whichever is greater).
     *
     * <pre>{@code
     * Row kept = products.find(42).orElseThrow();     // what a history table keeps
     * products.delete(42, kept.version());
     * products.restore(kept.values(), kept.version()); // back at kept.version() + 1
     * }</pre>
     *
     * @param values the row's column values, key included; the version column may be left in if it equals
     *     {@code lastVersion}
     * @param lastVersion the version the row had when it was deleted (or any greater one)
     * @return the restored row's key and version
     * @throws IllegalArgumentException when the key is missing, a column is unknown, the version column disagrees
     *     with {@code lastVersion}, or no greater version exists; nothing was written
     * @throws StatementFailedException when the database refuses the insert, for example because a row with that
     *     key exists (restore is for deleted rows)
     */
    Identity restore(Map<String, ?> values, long lastVersion);

    /**
     * Switches version checks off for this one row, in the current thread only, until the returned scope is
     * closed: the seed's {@code disable_concurrency(instance)}. Writes to the row in the scope need no expected
     * version and are not checked; they still bump the version. Every other row, and this row in other threads,
     * stays checked; {@link DisableScope#wrap(Runnable)} carries the scope to a worker thread.
     *
     * <pre>{@code
     * try (DisableScope off = products.disable(42)) {
     *     products.update(42, null, Map.of("name", restoredName));
     * }
     * }</pre>
     */
    DisableScope disable(Object key);

    /**
     * Deletes one row if it is still at the expected version.
     *
     * @throws RecordModifiedException when the row is at another version or was already deleted; nothing was
     *     deleted
     * @throws MissingVersionException when no version was given and one is required
     */
    void delete(Object key, Long expectedVersion);

    /**
     * Applies many rows' changes at once (the list-editable grid), each checked against the version it was read at.
     * The statements go to the database as one JDBC batch per set of changed columns, in one transaction; then, only
     * if some row did not match or its new version is decided by the database, one query (per chunk of keys) reads
     * those rows back in the same transaction.
     *
     * <p>An update count other than 0 or 1, such as {@link java.sql.Statement#SUCCESS_NO_INFO} from MariaDB
     * Connector/J with {@code useBulkStmts=true}, is never taken for a success: the batch is rolled back and run
     * again on rows first checked and locked with one query, so every conflict is still found.
     *
     * @param changes one change per row; a key must not appear twice
     * @param policy {@link BulkPolicy#SKIP_CONFLICTS} saves the current rows and reports the others;
     *     {@link BulkPolicy#ABORT_ALL} saves nothing if any row is stale
     * @return the saved rows with their new versions and, under {@code SKIP_CONFLICTS}, the refused rows with
     *     their current values
     * @throws BulkConflictException under {@code ABORT_ALL} when any row is stale or deleted: it lists every such
     *     row, and nothing was saved
     * @throws MissingVersionException when a change names no version and one is required; nothing was written
     * @throws RowNotFoundException when an unchecked change (checks disabled) names a row that does not exist;
     *     nothing was saved
     * @throws IllegalArgumentException for a duplicate key, an unknown column or a change of the key or version
     *     column; nothing was written
     * @throws StatementFailedException when the database fails the batch; the transaction was rolled back and
     *     nothing was saved
     */
    BulkResult updateAll(List<RowChange> changes, BulkPolicy policy);

    /**
     * {@link #updateAll(List, BulkPolicy)} with the policy configured by
     * {@link Concurrency.Builder#bulkPolicy(BulkPolicy)} ({@code SKIP_CONFLICTS} unless set).
     *
     * @throws BulkConflictException under {@code ABORT_ALL} when any row is stale or deleted; nothing was saved
     */
    BulkResult updateAll(List<RowChange> changes);

    /**
     * Deletes many rows at once, each only if it is still at the version it was read at: one JDBC batch in one
     * transaction, verified like {@link #updateAll(List, BulkPolicy)}. A row someone else deleted first is a
     * conflict.
     *
     * @param rows the rows to delete as (key, version read); a key must not appear twice
     * @param policy what to do with the current rows when some are stale
     * @return the deleted rows and, under {@code SKIP_CONFLICTS}, the refused ones with their current values
     * @throws BulkConflictException under {@code ABORT_ALL} when any row is stale or already deleted: it lists
     *     every such row, and nothing was deleted
     * @throws IllegalArgumentException for a duplicate key; nothing was written
     * @throws StatementFailedException when the database fails the batch; nothing was deleted
     */
    BulkResult deleteAll(List<Identity> rows, BulkPolicy policy);

    /**
     * {@link #deleteAll(List, BulkPolicy)} with the policy configured by
     * {@link Concurrency.Builder#bulkPolicy(BulkPolicy)} ({@code SKIP_CONFLICTS} unless set).
     *
     * @throws BulkConflictException under {@code ABORT_ALL} when any row is stale or already deleted; nothing
     *     was deleted
     */
    BulkResult deleteAll(List<Identity> rows);

    /**
     * Runs a bulk action ("delete selected", "mark as shipped") only if none of the selected rows changed or
     * vanished since the user saw them. In one transaction: one query per chunk of keys checks every selected
     * (key, version) and locks those rows where the database has {@code SELECT ... FOR UPDATE} (SQLite: the
     * database's write lock is taken first), so no one can change them between the check and the action; then the
     * action runs on that transaction's connection, and the transaction commits when it returns.
     *
     * <p>With checks disabled for this table in the current thread, the action runs unchecked, still in one
     * transaction.
     *
     * @param selected the selected rows as (key, version shown); the same key twice must carry the same version
     * @param action the work to do; it must use the connection it is given
     * @return what the action returned
     * @throws BulkConflictException when any selected row is at another version or gone: it lists every such row
     *     with its current values, and the action did not run
     * @throws StatementFailedException when the check or the action fails with an {@link java.sql.SQLException};
     *     the transaction was rolled back. Also on PostgreSQL when the action caught a failed statement and returned
     *     normally: the failure had aborted the transaction, and nothing of the action could be committed
     */
    <T> T guard(Collection<Identity> selected, GuardedAction<T> action);

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
