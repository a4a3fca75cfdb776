package io.github.concurrency4j.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts about one database family that the engine needs. Instances are immutable and shared.
 *
 * <p>Detect the dialect of a live connection with {@link #detect(DatabaseMetaData)}.
 */
public abstract class Dialect {

    /** How an UPDATE can hand back the row's new version without a second statement. */
    public enum VersionReadBack {
        /** {@code UPDATE ... RETURNING v} (PostgreSQL, SQLite 3.35+). */
        RETURNING,
        /** {@code SELECT v FROM FINAL TABLE (UPDATE ...)}. */
        FINAL_TABLE,
        /**
         * A plain UPDATE whose generated keys name the version column ({@code prepareStatement(sql, new String[]
         * {"v"})}, then {@code getGeneratedKeys()}): H2 2.x hands back the updated row's values, and a failed
         * statement leaves the row as it was, which {@link #FINAL_TABLE} did not (H2 2.3.232 deleted the row).
         */
        GENERATED_KEYS,
        /** Not possible: read the version in the same transaction after the UPDATE (MySQL, MariaDB). */
        NONE
    }

    private final String name;
    private final VersionReadBack versionReadBack;
    private final boolean selectForUpdate;
    private final int maxIdentifierLength;
    private final int maxParameters;

    /**
     * @param name the database's name, as messages show it
     * @param versionReadBack how an UPDATE hands back the new version
     * @param selectForUpdate whether {@code SELECT ... FOR UPDATE} locks rows
     * @param maxIdentifierLength the longest identifier the database accepts, in characters
     * @param maxParameters the most bind parameters one statement may carry
     */
    protected Dialect(String name, VersionReadBack versionReadBack, boolean selectForUpdate,
                      int maxIdentifierLength, int maxParameters) {
        this.name = name;
        this.versionReadBack = versionReadBack;
        this.selectForUpdate = selectForUpdate;
        this.maxIdentifierLength = maxIdentifierLength;
        this.maxParameters = maxParameters;
    }

    /**
     * The dialect of the database behind a connection, from its product name.
     *
     * @throws SQLException when the metadata cannot be read
     * @throws IllegalArgumentException for a database concurrency4j does not support
     */
    public static Dialect detect(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return PostgresDialect.INSTANCE;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MariaDbDialect.of(metaData.getConnection());
        }
        if (p.contains("sqlite")) {
            return SqliteDialect.INSTANCE;
        }
        if (p.equals("h2")) {
            return H2Dialect.INSTANCE;
        }
        throw new IllegalArgumentException("Unsupported database '" + product
                + "': concurrency4j supports PostgreSQL, MySQL/MariaDB, SQLite and H2.");
    }

    /** A short lower-case name: {@code postgresql}, {@code mariadb}, {@code sqlite}, {@code h2}. */
    public String name() {
        return name;
    }

    /** How this database returns a new version from an UPDATE. */
    public VersionReadBack versionReadBack() {
        return versionReadBack;
    }

    /** Whether {@code SELECT ... FOR UPDATE} locks the selected rows. */
    public boolean supportsSelectForUpdate() {
        return selectForUpdate;
    }

    /**
     * A locking read of the rows with {@code keys} given keys that locks them in the order the keys are bound, for a
     * database whose locking read takes its locks in the order it finds the rows, whatever its {@code ORDER BY}; or
     * {@code null} where {@code WHERE key IN (...) ORDER BY key FOR UPDATE} locks in the order the bulk statements do.
     * Bulk statements and batches take their rows in the order of the call's list, which for text keys is Java's
     * order and not the index's (upper case before lower case, where the collation ignores case): a locking read in
     * the index's order would take the same rows in another order and deadlock with them.
     *
     * @param columns the columns to select, quoted, unqualified
     * @param table the quoted table name
     * @param key the quoted key column
     * @param keys how many keys are bound, one placeholder each, in the order of the list
     * @param lockClause the lock clause, such as {@code " FOR UPDATE"}
     */
    public String lockingReadInListOrder(String columns, String table, String key, int keys, String lockClause) {
        return null;
    }

    /**
     * A lock clause for a read that locks the rows no other transaction holds and skips the others
     * ({@code FOR UPDATE SKIP LOCKED}), for the server behind this connection; {@code null} where there is none.
     *
     * @throws SQLException when the connection cannot tell which server it is connected to
     */
    public String lockClauseSkippingHeldRows(Connection connection) throws SQLException {
        return null;
    }

    /** The longest identifier (table, column, trigger name) the database accepts, in characters. */
    public int maxIdentifierLength() {
        return maxIdentifierLength;
    }

    /** How many bind parameters one statement may safely carry. */
    public int maxParameters() {
        return maxParameters;
    }

    /**
     * Whether an UPDATE's count can leave out a row that matched but whose values did not change, so that 0 does
     * not prove that nothing matched. MariaDB Connector/J does so with {@code useAffectedRows=true}; the other
     * databases always count the rows the WHERE clause matched. Where it can, the engine proves "matched, changed
     * nothing" under a row lock before it reports success; elsewhere a count of 0 is never a success.
     */
    public boolean updateCountMayOmitUnchangedRows() {
        return false;
    }

    /**
     * The form in which this database writes a bulk update or delete with one statement per chunk of rows, or
     * {@code null} where the engine sends one statement per row in a JDBC batch. A dialect adds its own form by
     * returning it here; see {@link BulkStatements} for the evidence it must hand back.
     */
    public BulkStatements bulkStatements() {
        return null;
    }

    /**
     * Whether an UPDATE wrapped to return values ({@link #updateReturning}) changes nothing when it fails. H2 2.3's
     * {@code SELECT ... FROM FINAL TABLE (UPDATE ...)} that fails on a constraint (UNIQUE, CHECK, NOT NULL, foreign
     * key) deletes the row it was updating, in auto-commit and in an open transaction alike, which is why H2 hands
     * the version back as a generated key instead. Where this is false the engine runs that statement in a
     * transaction of its own, or under a savepoint in the caller's, and undoes it on failure.
     */
    public boolean failedUpdateReturningChangesNothing() {
        return true;
    }

    /**
     * What to append to a {@code SELECT} so that it reads the latest committed row rather than the transaction's
     * snapshot, where the two can differ after an UPDATE in the same transaction. An UPDATE in InnoDB reads the
     * latest committed row, while a plain SELECT at REPEATABLE READ reads the snapshot: only a locking read sees what
     * the UPDATE saw. Empty where a plain read agrees with what the UPDATE saw (PostgreSQL raises a serialization
     * failure instead of updating a row changed after its snapshot; SQLite has one writer at a time).
     */
    public String currentReadClause() {
        return "";
    }

    /**
     * {@link #currentReadClause()} for a read on this connection, at the isolation level its transaction runs at. A
     * dialect whose plain read already sees the latest committed row at some levels may leave the lock out there:
     * a locking read after a write that has released the locks of the rows it did not match waits for them while
     * holding later rows, out of key order, which can deadlock with a writer that holds them.
     *
     * @throws SQLException when the connection cannot tell its isolation level
     */
    public String currentReadClause(Connection connection) throws SQLException {
        return currentReadClause();
    }

    /**
     * Why writes on this session could store something other than what they were given (a value cut to fit its
     * column) while the database counts them done, or {@code null} when they cannot. Asked once, when
     * {@code Concurrency} is built: a write the engine reports saved must be in the table as given.
     *
     * @param connection a connection of the session to inspect
     * @return the problem, or {@code null} when there is none
     * @throws SQLException when the session's settings cannot be read
     */
    public String sessionProblem(Connection connection) throws SQLException {
        return null;
    }

    /**
     * Whether an earlier failed statement has aborted the connection's open transaction, so that every later
     * statement fails and a COMMIT only rolls back. PostgreSQL aborts a transaction on any error, and pgjdbc's
     * {@code commit()} then returns normally (unless the URL sets {@code raiseExceptionOnSilentRollback}); the other
     * databases undo only the failed statement, and answer false. The engine asks before it commits work that ran
     * code of the caller's (a guarded action), which may have caught the failure and gone on.
     *
     * @param connection the connection whose open transaction to inspect
     * @return whether that transaction can no longer commit
     * @throws SQLException when the driver cannot tell
     */
    public boolean transactionAborted(Connection connection) throws SQLException {
        return false;
    }

    /**
     * Whether a row lock ({@code SELECT ... FOR UPDATE}) holds only on the server that took it, as on a Galera node:
     * writers on other nodes are not stopped by it, and a lost race shows up as an abort at commit (or at the next
     * statement) instead. The engine then trusts no batch count it cannot check: a bulk write runs its statements
     * one by one, so that every count is real and an abort is never hidden in a batch answer.
     */
    public boolean rowLocksAreNodeLocal() {
        return false;
    }

    /**
     * Whether a rollback to a savepoint keeps the row locks taken after it, as InnoDB does (it undoes the changes but
     * releases the locks only when the transaction ends). A bulk write undone so in a caller's transaction still
     * holds the rows it wrote, which are not a prefix of its rows in key order when its statement released the locks
     * of the rows it did not match (READ COMMITTED): running again by locking every row in key order would then wait
     * for a row while holding later ones, and deadlock with another writer that locks in key order.
     */
    public boolean savepointRollbackKeepsRowLocks() {
        return false;
    }

    /**
     * Statements that make this session's reads causal, seeing every write the cluster acknowledged before them;
     * empty where reads are causal already (a single server). Run before a check that must not pass on a stale row
     * (a guard's), and {@link #causalReadsOff()} after it.
     */
    public List<String> causalReadsOn() {
        return List.of();
    }

    /** Statements that restore what {@link #causalReadsOn()} changed. */
    public List<String> causalReadsOff() {
        return List.of();
    }

    /**
     * Quotes an identifier, doubling the quote character inside it: a name read from the schema of a table the
     * application does not own may hold any character, and must stay one identifier.
     *
     * @throws IllegalArgumentException for a name with a NUL character, which no supported database stores
     */
    public String quote(String identifier) {
        return quote(identifier, '"');
    }

    /** Quotes with the given quote character, doubled inside the name. */
    protected static String quote(String identifier, char quote) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("The identifier '" + identifier.replace('\0', '?') + "' holds a NUL "
                    + "character and cannot be used in SQL.");
        }
        String q = String.valueOf(quote);
        return q + identifier.replace(q, q + q) + q;
    }

    /**
     * A boolean SQL expression, true when the column's value differs from one bind parameter, treating two NULLs
     * as equal and NULL and a value as different.
     *
     * @param quotedColumn the quoted column name
     */
    public abstract String isDistinctFromParameter(String quotedColumn);

    /**
     * {@link #isDistinctFromParameter(String)} for a column whose type is known: what a conditional version compares
     * a tracked column with. It is true when the new value would read back different from the stored one, and false
     * when it would read back the same, whatever the type's own equality says: a case-blind collation, PostgreSQL's
     * {@code box} (equal areas) or {@code interval} ({@code '1 day' = '24 hours'}) call some changes equal, and a
     * conditional version that stayed put then let a stale writer save over the change. By default the type makes
     * no difference.
     *
     * @param quotedColumn the quoted column name
     * @param sqlType the column's type as {@link BulkStatements#columnTypes} named it, or {@code null} where unknown
     * @param storedType the column's type as {@link #storedTypes} named it, or {@code null} where unknown
     */
    public String isDistinctFromParameter(String quotedColumn, String sqlType, String storedType) {
        return isDistinctFromParameter(quotedColumn);
    }

    /**
     * Each column's type with the modifiers that shape its stored values ({@code numeric(10,2)},
     * {@code character(3)}), as SQL can spell it in a cast, where the dialect compares conditional values in the
     * column's exact type. By default none; a dialect that names them reads them with one query at build time,
     * never on a write.
     *
     * @param connection a connection to the database
     * @param quotedTable the table, quoted
     * @return the types by column name as the database stores it
     * @throws SQLException when the catalog cannot be read
     */
    public Map<String, String> storedTypes(Connection connection, String quotedTable) throws SQLException {
        return Map.of();
    }

    /**
     * The {@link java.sql.Types} code to bind NULL with in a column the driver describes with this code. By default
     * the same code.
     */
    public int nullBindingType(int jdbcType) {
        return jdbcType;
    }

    /**
     * What to add to the message of a statement that failed, saying what to pass instead, or an empty string. The
     * single-row and the bulk path both add it, so that the same bad value gets the same advice on either.
     */
    public String adviceFor(SQLException failure) {
        String state = failure.getSQLState();
        if (state == null || !state.startsWith("22")) {
            return "";
        }
        return "A value is of the wrong type for its column, too long or out of range. Pass each value as a Java value "
                + "of its column's type (Integer or Long for an integer column, BigDecimal for a decimal one, "
                + "LocalDate or LocalDateTime for a date or timestamp), within the column's size, and save again";
    }

    /**
     * Wraps an UPDATE so that it returns the named column of the updated row; only for
     * {@link VersionReadBack#RETURNING}, {@link VersionReadBack#FINAL_TABLE} and
     * {@link VersionReadBack#GENERATED_KEYS} (the UPDATE as it is: the column is named when it is prepared).
     */
    public String updateReturning(String update, String quotedColumn) {
        switch (versionReadBack) {
            case RETURNING:
                return update + " RETURNING " + quotedColumn;
            case FINAL_TABLE:
                return "SELECT " + quotedColumn + " FROM FINAL TABLE (" + update + ")";
            case GENERATED_KEYS:
                return update;
            default:
                throw new UnsupportedOperationException(name + " cannot return values from an UPDATE");
        }
    }

    // ---------------------------------------------------------------- version triggers

    /**
     * A concurrency4j version trigger as the database describes it.
     *
     * @param name the trigger's name as stored
     * @param table the table it fires on, as stored
     * @param versionColumn the column it bumps, as recorded in the trigger's definition
     */
    public record VersionTriggerRow(String name, String table, String versionColumn) {
    }

    /** The text every version trigger carries in its definition: listing finds ours, and only ours, by it. */
    static final String TRIGGER_MARKER = "concurrency4j version trigger, column=";
    private static final Pattern MARKER = Pattern.compile(Pattern.quote(TRIGGER_MARKER) + "([A-Za-z0-9_]+)");

    /** The marker naming the version column, to embed in a trigger's definition. */
    protected static String triggerMarker(String versionColumn) {
        return TRIGGER_MARKER + versionColumn;
    }

    /** The version column named by the marker in a trigger definition, or {@code null} when there is no marker. */
    static String markedColumn(String definition) {
        if (definition == null) {
            return null;
        }
        Matcher m = MARKER.matcher(definition);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The sets of columns of a table that no two rows share values of: its primary key, and each unique index on
     * plain columns that covers every row. A partial index (with a WHERE clause) keeps values unique among some
     * rows only, and an index on an expression keeps the expression's values unique: neither counts. Names are as
     * the database stores them. Read once per declared table, when the engine is built.
     *
     * @param connection a connection to the database
     * @param catalog the table's catalog, or {@code null}
     * @param schema the table's schema, or {@code null}
     * @param table the table's stored name
     * @return each unique column set, in the order the database lists them; empty for a view
     * @throws SQLException when the metadata cannot be read
     */
    public List<Set<String>> uniqueColumnSets(Connection connection, String catalog, String schema, String table)
            throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        List<Set<String>> sets = new ArrayList<>();
        Set<String> primaryKey = new LinkedHashSet<>();
        try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                primaryKey.add(rs.getString("COLUMN_NAME"));
            }
        }
        if (!primaryKey.isEmpty()) {
            sets.add(primaryKey);
        }
        Map<String, Set<String>> indexes = new LinkedHashMap<>();
        Set<String> notPlain = new LinkedHashSet<>();
        try (ResultSet rs = meta.getIndexInfo(catalog, schema, table, true, true)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                if (index == null || rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic
                        || rs.getBoolean("NON_UNIQUE")) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                String filter = rs.getString("FILTER_CONDITION");
                if (column == null || (filter != null && !filter.isBlank())) {
                    notPlain.add(index);
                }
                indexes.computeIfAbsent(index, n -> new LinkedHashSet<>()).add(column);
            }
        }
        for (Map.Entry<String, Set<String>> index : indexes.entrySet()) {
            if (!notPlain.contains(index.getKey()) && !index.getValue().equals(primaryKey)) {
                sets.add(index.getValue());
            }
        }
        return sets;
    }

    /**
     * Whether the value an UPDATE hands back ({@code RETURNING}, {@code FINAL TABLE}) includes what an update
     * trigger wrote to the row. When not, the engine derives a trigger version instead of trusting the returned one.
     */
    public boolean returningSeesTriggerChanges() {
        return true;
    }

    /**
     * The statements, run in order on one connection, that create a trigger setting the version column to its old
     * value plus one on every UPDATE of a row, whoever runs it and whether or not the statement sets the column.
     * Every name has been validated as a plain identifier and is given as the database stores it.
     *
     * @param trigger the trigger's name, within {@link #maxIdentifierLength()}
     * @param table the table
     * @param versionColumn the version column
     * @param keyColumns the table's primary key columns, empty when it has none; for a trigger that has to find its
     *     row again
     */
    public abstract List<String> createVersionTrigger(String trigger, String table, String versionColumn,
                                                      List<String> keyColumns);

    /** The statements that remove a version trigger created by {@link #createVersionTrigger}, and what came with it. */
    public abstract List<String> dropVersionTrigger(String trigger, String table);

    /**
     * A query for the version triggers of the current schema, with three columns: trigger name, table name and a
     * text that carries the marker written by {@link #createVersionTrigger}.
     */
    protected abstract String versionTriggersQuery();

    /**
     * The concurrency4j version triggers in the connection's current schema (database, for MySQL and MariaDB);
     * other triggers are left out.
     *
     * @throws SQLException when the catalog cannot be read
     */
    public List<VersionTriggerRow> listVersionTriggers(Connection connection) throws SQLException {
        List<VersionTriggerRow> rows = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(versionTriggersQuery())) {
            while (rs.next()) {
                String column = markedColumn(rs.getString(3));
                if (column != null) {
                    rows.add(new VersionTriggerRow(rs.getString(1), rs.getString(2), column));
                }
            }
        }
        return rows;
    }

    /**
     * The clause that makes a SELECT a shared-lock read: it reads the latest committed row, not the snapshot of a
     * REPEATABLE READ transaction (InnoDB serves locking reads from the latest version; PostgreSQL refuses one on a
     * row changed after the snapshot), and keeps the row from changing until the transaction ends while other
     * readers go on. {@code null} where the database has no row locks (SQLite). By default the exclusive
     * {@code FOR UPDATE}, for databases with no shared form (H2).
     */
    public String sharedLockClause() {
        return selectForUpdate ? " FOR UPDATE" : null;
    }

    // ---------------------------------------------------------------- aborts

    /**
     * The database aborted a transaction, or one statement of it, to keep transactions apart.
     *
     * @param reason what happened, in words: "a deadlock", "a serialization failure"
     * @param transactionRolledBack whether the database rolled back the whole transaction rather than only the
     *     statement
     */
    public record Abort(String reason, boolean transactionRolledBack) {
    }

    /**
     * Whether a failure is the database aborting the transaction (a serialization failure, a deadlock, a lock wait
     * timeout, a certification failure): nothing of the aborted work was saved and running it again is safe. Looks
     * through the exception's causes and chained exceptions, where batch failures carry the database's own error.
     *
     * @return the abort, or {@code null} when the failure is something else (a constraint, a lost connection)
     */
    public Abort abortOf(SQLException failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; depth++) {
            if (t instanceof SQLException s) {
                Abort a = classifyAbort(s);
                if (a != null) {
                    return a;
                }
                SQLException next = s.getNextException();
                if (next != null && next != s) {
                    a = classifyAbort(next);
                    if (a != null) {
                        return a;
                    }
                }
            }
            Throwable cause = t.getCause();
            t = cause == t ? null : cause;
        }
        return null;
    }

    /**
     * This database's abort codes. The default knows only the SQL standard's class 40 (transaction rollback):
     * {@code 40001} serialization failure, {@code 40P01}-style deadlocks.
     */
    protected Abort classifyAbort(SQLException e) {
        String state = e.getSQLState();
        if ("40001".equals(state)) {
            return new Abort("a serialization failure", true);
        }
        if (state != null && state.startsWith("40")) {
            return new Abort("a transaction rollback (SQLState " + state + ")", true);
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
