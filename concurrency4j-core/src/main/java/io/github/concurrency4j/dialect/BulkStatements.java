package io.github.concurrency4j.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * How a database writes the rows of a bulk update or delete with one statement per chunk of rows, instead of one
 * statement per row in a JDBC batch. A dialect that has such a form returns it from {@link Dialect#bulkStatements()};
 * the engine describes each chunk ({@link Update}, {@link Delete}) and the dialect renders, binds and runs it.
 *
 * <p>The contract is the evidence rule of every write: the statement hands back the rows it wrote, each with its
 * version as stored after the write (what a trigger set included), and a row it does not hand back was not written.
 * The engine reports a row saved only when it comes back; the others are read once, as conflicts or missing rows.
 */
public interface BulkStatements {

    /** How many rows one statement carries at most; larger bulk writes run one statement per chunk of this size. */
    int maxRowsPerStatement();

    /**
     * The database's name of each column's type, as a cast can spell it, by column name as stored; a column left out
     * (or mapped to {@code null}) cannot be carried by this form, and bulk writes that touch it run as a batch.
     *
     * @param quotedTable the table's quoted name, resolved as the engine's statements resolve it
     * @throws SQLException when the catalog cannot be read
     */
    Map<String, String> columnTypes(Connection connection, String quotedTable) throws SQLException;

    /**
     * Whether this form can find a table's rows by a key column of this type (as {@link #columnTypes} named it).
     * Where it cannot, every bulk write on the table runs as a JDBC batch. By default it can.
     */
    default boolean canFindRowsBy(String keySqlType) {
        return true;
    }

    /**
     * Whether a value can be carried to a column of this type and lands as the single-row statement would store it
     * (the same value, the same time zone rules). The engine writes a bulk change with a value this refuses as a
     * JDBC batch instead.
     *
     * <p>For a {@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code String} or {@code Boolean} the
     * answer must follow from the value's class and the column's type alone: the engine asks once per column for
     * each of these classes, not once per row.
     *
     * @param value the new value, not {@code null} ({@code null} always can)
     * @param sqlType the column's type as {@link #columnTypes} named it
     */
    boolean canCarry(Object value, String sqlType);

    /**
     * Runs one chunk of a bulk update.
     *
     * @param written receives each row the statement wrote, with its version after the write
     * @throws SQLException as the database raised it; what the statement did is then undone by the caller
     */
    void update(Connection connection, Update update, WrittenRows written) throws SQLException;

    /**
     * Runs one chunk of a bulk delete.
     *
     * @param written receives each row the statement deleted, with the version it had
     * @throws SQLException as the database raised it; what the statement did is then undone by the caller
     */
    void delete(Connection connection, Delete delete, WrittenRows written) throws SQLException;

    /**
     * Whether this form can run a chunk with {@link Locking#GIVE_UP} or {@link Locking#GIVE_UP_AND_RESTORE}: without
     * locking its rows in key order first, giving up quickly on a row another transaction holds. By default it
     * cannot, and every chunk runs with {@link Locking#KEY_ORDER}.
     */
    default boolean canGiveUp() {
        return false;
    }

    /**
     * Whether this failure is a statement run with a giving-up {@link Locking} that gave up on a row lock another
     * transaction held (or was chosen to break a deadlock while it waited). The engine then undoes what the
     * statement's transaction or savepoint holds and runs the chunks again with {@link Locking#KEY_ORDER}.
     */
    default boolean gaveUp(SQLException failure) {
        return false;
    }

    /**
     * Whether this form can run a chunk with {@link Evidence#ALL_OR_NOTHING}: as one statement that fails, and so
     * writes nothing, unless it writes every row of the chunk. The engine then runs a bulk write of one chunk alone,
     * in auto-commit, without a transaction of its own: one round-trip. By default it cannot.
     */
    default boolean canWriteAllOrNothing() {
        return false;
    }

    /**
     * How a bulk statement takes the row locks of the rows it writes. Two bulk writes over overlapping rows that lock
     * them in different orders deadlock; a statement that locks in key order never does with another that does, but
     * the extra locking pass costs about as much as the write itself (PostgreSQL 15: 1 µs a row).
     */
    enum Locking {
        /** Locks its rows in key order before writing any, and waits for each as long as the session allows. */
        KEY_ORDER,
        /**
         * Locks rows in whatever order its plan reads them, but waits only briefly for a row another transaction
         * holds and then fails ({@link #gaveUp}), so that it is never the waiting half of a deadlock. Whatever it
         * changed in the session to give up lasts until the transaction ends: for the engine's own transaction,
         * which commits right after.
         */
        GIVE_UP,
        /** As {@link #GIVE_UP}, in the caller's transaction: the statement puts back what it changed before it ends. */
        GIVE_UP_AND_RESTORE
    }

    /**
     * What a statement must hand back of the rows it wrote: the evidence the engine reports them saved by.
     */
    enum Evidence {
        /** Each written row, with its version after the write ({@link WrittenRows#row(int, long)}). */
        ROWS,
        /**
         * Which rows it wrote, each once: the engine knows their versions (a checked increment writes the expected
         * version plus one; a checked write with increments off, and a delete, leave it as expected). The statement
         * may hand back each row ({@link WrittenRows#row(int)} or {@link WrittenRows#row(int, long)}) or prove that
         * it wrote every row of the chunk exactly once ({@link WrittenRows#all()}).
         */
        POSITIONS,
        /**
         * As {@link #POSITIONS}, and the statement fails, writing nothing, unless it writes every row of the chunk
         * exactly once: the engine runs such a chunk alone in auto-commit, where a statement that wrote some rows
         * would have committed them. Only where {@link #canWriteAllOrNothing()}.
         */
        ALL_OR_NOTHING
    }

    /** Receives the rows a statement wrote. A row handed back twice makes the whole answer prove nothing. */
    interface WrittenRows {
        /**
         * One written row.
         *
         * @param index the row's position in the chunk's arrays, from 0 (PostgreSQL: {@code WITH ORDINALITY})
         * @param version the row's version after the write (for a delete: before it)
         * @throws SQLException when reading the row from the result fails
         */
        void row(int index, long version) throws SQLException;

        /**
         * One written row whose version the engine knows ({@link Evidence#POSITIONS}).
         *
         * @param index the row's position in the chunk's arrays, from 0
         * @throws SQLException when reading the row from the result fails
         */
        void row(int index) throws SQLException;

        /**
         * Every row of the chunk, each written exactly once, as the statement proved ({@link Evidence#POSITIONS}).
         *
         * @throws SQLException when reading the result fails
         */
        void all() throws SQLException;
    }

    /**
     * A column of a bulk write.
     *
     * @param sql the quoted column name
     * @param sqlType the column's type as {@link #columnTypes} named it
     * @param storedType the column's type with its modifiers, as {@link Dialect#storedTypes} named it ({@code null}
     *     where unknown): what a conditional version compares a new value as
     * @param tracked whether a change of this column bumps a conditional version
     */
    record Column(String sql, String sqlType, String storedType, boolean tracked) {
    }

    /** What a bulk update does to the version column, beyond the check. */
    enum VersionChange {
        /** Leaves it as it is (increment disabled; a trigger table's statement increments, as its trigger does). */
        KEEP,
        /** Old version plus one. */
        INCREMENT,
        /** The larger of old version plus one and the row's {@link Update#now()} value. */
        TIMESTAMP,
        /** Old version plus one when a tracked column written for the row changes its value, otherwise kept. */
        CONDITIONAL
    }

    /**
     * One chunk of a bulk update: row {@code i} sets {@code values[c][i]} in column {@code c} where
     * {@code written[c]} is {@code null} or {@code written[c][i]} is true, and leaves the column alone otherwise.
     * A {@code null} value writes NULL.
     *
     * @param table the quoted table name
     * @param key the key column
     * @param version the quoted version column
     * @param columns the columns some row of the chunk writes
     * @param versionChange what happens to the version
     * @param checked whether each row is written only at its {@code expected} version; otherwise whatever its
     *     version is
     * @param guardOverflow whether a row at {@link Long#MAX_VALUE} is left alone (unchecked writes that may bump)
     * @param keys the rows' keys
     * @param expected the versions the rows must be at, when {@code checked}
     * @param values the new values, per column then per row
     * @param written per column, which rows write it; {@code null} where every row does
     * @param now per row, the timestamp floor of {@link VersionChange#TIMESTAMP}; otherwise {@code null}
     * @param locking how the statement locks its rows; always {@link Locking#KEY_ORDER} unless {@link #canGiveUp()}
     * @param evidence what the statement hands back; {@link Evidence#ROWS} unless every row is checked and its new
     *     version is known to the engine
     */
    record Update(String table, Column key, String version, List<Column> columns, VersionChange versionChange,
                  boolean checked, boolean guardOverflow, Object[] keys, long[] expected, Object[][] values,
                  boolean[][] written, long[] now, Locking locking, Evidence evidence) {
    }

    /**
     * One chunk of a bulk delete.
     *
     * @param table the quoted table name
     * @param key the key column
     * @param version the quoted version column
     * @param checked whether each row is deleted only at its {@code expected} version
     * @param keys the rows' keys
     * @param expected the versions the rows must be at, when {@code checked}
     * @param locking how the statement locks its rows; always {@link Locking#KEY_ORDER} unless {@link #canGiveUp()}
     * @param evidence what the statement hands back: {@link Evidence#POSITIONS} or {@link Evidence#ALL_OR_NOTHING}
     *     (a deleted row's version is the one it was deleted at, known to the engine)
     */
    record Delete(String table, Column key, String version, boolean checked, Object[] keys, long[] expected,
                  Locking locking, Evidence evidence) {
    }
}
