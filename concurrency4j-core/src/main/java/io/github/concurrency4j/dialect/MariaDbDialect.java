package io.github.concurrency4j.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** MySQL and MariaDB: one family. */
public final class MariaDbDialect extends Dialect {
    /** The shared instance for a MySQL or MariaDB server that is not a Galera node. */
    public static final MariaDbDialect INSTANCE = new MariaDbDialect(false);
    /** The shared instance for a node of a MariaDB Galera cluster ({@code wsrep_on=ON}). */
    public static final MariaDbDialect GALERA = new MariaDbDialect(true);

    private final boolean galera;

    private MariaDbDialect(boolean galera) {
        // MariaDB has DELETE/INSERT ... RETURNING but no UPDATE ... RETURNING.
        super("mariadb", VersionReadBack.NONE, true, 64, 65_535);
        this.galera = galera;
    }

    /**
     * The instance for the server behind this connection: {@link #GALERA} when it is a Galera node with
     * replication on, read once when the engine is built.
     */
    static MariaDbDialect of(Connection connection) throws SQLException {
        // SHOW VARIABLES answers no row (rather than an error) on a server built without wsrep, such as MySQL.
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE 'wsrep_on'")) {
            return rs.next() && "ON".equalsIgnoreCase(rs.getString(2)) ? GALERA : INSTANCE;
        }
    }

    /** Whether this is the dialect of a Galera node. */
    public boolean isGaleraNode() {
        return galera;
    }

    /**
     * On Galera, {@code SELECT ... FOR UPDATE} locks the row on this node only; a writer on another node is stopped
     * at commit, by certification, which aborts whichever transaction certifies second.
     */
    @Override
    public boolean rowLocksAreNodeLocal() {
        return galera;
    }

    /**
     * InnoDB undoes a rollback to a savepoint's changes and keeps its row locks until the transaction ends. Measured
     * (BulkCallersDeadlockStormTest, fallback storm): bulk writes in callers' READ COMMITTED transactions that were
     * undone so and ran again locking every row in key order deadlocked, 2 to 4 of 64 calls.
     */
    @Override
    public boolean savepointRollbackKeepsRowLocks() {
        return true;
    }

    /**
     * On Galera a node applies other nodes' commits asynchronously, so a read can miss a write already acknowledged
     * elsewhere. {@code wsrep_sync_wait} bit 1 makes reads (and BEGIN) wait until this node has applied everything
     * committed in the cluster before them. The session's own value is kept in a user variable and restored after.
     */
    @Override
    public List<String> causalReadsOn() {
        return galera ? List.of("SET @concurrency4j_sync_wait = @@SESSION.wsrep_sync_wait, "
                + "@@SESSION.wsrep_sync_wait = @@SESSION.wsrep_sync_wait | 1") : List.of();
    }

    @Override
    public List<String> causalReadsOff() {
        return galera ? List.of("SET @@SESSION.wsrep_sync_wait = @concurrency4j_sync_wait") : List.of();
    }

    /**
     * A multi-table {@code UPDATE}/{@code DELETE} joined with the rows as a table value constructor, one per chunk:
     * see {@link MariaDbBulkStatements}. Not on Galera, where bulk writes run statement by statement (a lock there
     * does not hold on the other nodes, and every count must be the database's own).
     */
    @Override
    public BulkStatements bulkStatements() {
        return galera ? null : MariaDbBulkStatements.INSTANCE;
    }

    /** Connector/J with {@code useAffectedRows=true} counts a matched row whose values did not change as 0. */
    @Override
    public boolean updateCountMayOmitUnchangedRows() {
        return true;
    }

    /**
     * InnoDB locks the rows of a read as it finds them in the index, in the collation's order whatever the
     * {@code ORDER BY} (a case-insensitive collation puts "a" before "B"; Java, "B" before "a"). Driven from the keys
     * as a table value constructor ({@code STRAIGHT_JOIN}, one lookup per key), the read finds the rows, and locks
     * them, in the order of the list, as the bulk statement and the batch do (TextKeyBulkLockOrderStormTest).
     */
    @Override
    public String lockingReadInListOrder(String columns, String table, String key, int keys, String lockClause) {
        StringBuilder sql = new StringBuilder(96 + keys * 5).append("WITH c4j_keys (c4j_key) AS (VALUES ");
        for (int i = 0; i < keys; i++) {
            sql.append(i == 0 ? "(?)" : ", (?)");
        }
        return sql.append(") SELECT ").append(columns).append(" FROM c4j_keys STRAIGHT_JOIN ").append(table)
                .append(" ON ").append(table).append('.').append(key).append(" = c4j_keys.c4j_key").append(lockClause)
                .toString();
    }

    /**
     * {@code FOR UPDATE SKIP LOCKED}: MariaDB 10.6 and later, MySQL 8.0 and later. Connector/J answers the version from
     * the connection's handshake, without a round trip.
     */
    @Override
    public String lockClauseSkippingHeldRows(Connection connection) throws SQLException {
        var meta = connection.getMetaData();
        String product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
        int major = meta.getDatabaseMajorVersion();
        int minor = meta.getDatabaseMinorVersion();
        boolean skips = product.contains("mariadb") ? major > 10 || (major == 10 && minor >= 6) : major >= 8;
        return skips ? " FOR UPDATE SKIP LOCKED" : null;
    }

    /** A locking read: InnoDB serves it from the latest committed row, as it does an UPDATE. */
    @Override
    public String currentReadClause() {
        return " FOR UPDATE";
    }

    /**
     * No lock at READ COMMITTED (not on Galera): there InnoDB gives every plain read a fresh view of the latest
     * commits, and a row that reads at another version than a write expects is refused for good (a version never goes
     * back). A locking read of the refused rows would wait for rows the write does not hold while holding the rows
     * written, out of key order: measured, 5 to 13 of 64 overlapping bulk writes in callers' READ COMMITTED
     * transactions deadlocked so (BulkCallersDeadlockStormTest); and a single-row write refused so held the row until
     * the caller's transaction ended (MariaDbConflictReadTest). READ UNCOMMITTED is the same: InnoDB locks there as at
     * READ COMMITTED, and the locking read deadlocked 6 of 64 such bulk writes. A plain read there can see a version
     * another transaction has not committed; at worst a write is then refused on a version that is rolled back later,
     * and reported with it, never reported saved: a write is proven by its count or under a lock. A single-table UPDATE
     * or DELETE by key releases the lock of a row it did not match at READ COMMITTED; a multi-table one keeps it
     * (measured on 10.11.19). At REPEATABLE READ and above only a locking read sees past the snapshot. Connector/J
     * tracks the session's level, so asking costs no round trip.
     */
    @Override
    public String currentReadClause(Connection connection) throws SQLException {
        int level = connection.getTransactionIsolation();
        if (!galera && (level == Connection.TRANSACTION_READ_COMMITTED
                || level == Connection.TRANSACTION_READ_UNCOMMITTED)) {
            return "";
        }
        return currentReadClause();
    }

    @Override
    public String quote(String identifier) {
        return quote(identifier, '`');
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return "NOT (" + quotedColumn + " <=> ?)";
    }

    /**
     * Text is compared byte for byte ({@link MariaDbBulkStatements#distinct}): the default collations compare
     * without regard to case and trailing blanks, and a conditional version then stayed put when a tracked value
     * changed only so, letting a stale form save over the change (ConditionalCollationAttackTest).
     */
    @Override
    public String isDistinctFromParameter(String quotedColumn, String sqlType, String storedType) {
        return MariaDbBulkStatements.distinct(quotedColumn, "?", sqlType, storedType);
    }

    /** Each column's {@code COLUMN_TYPE} ({@code decimal(30,1)}), lower case: the type a DECIMAL value is compared as. */
    @Override
    public Map<String, String> storedTypes(Connection connection, String quotedTable) throws SQLException {
        String table = quotedTable.substring(1, quotedTable.length() - 1).replace("``", "`");
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        return types;
    }

    /**
     * 1213: an InnoDB deadlock, and on Galera a certification failure (the same code, SQLState 40001); InnoDB rolls
     * back the whole transaction. 1020: "record has changed since last read" under
     * {@code innodb_snapshot_isolation=ON}, which rolls back the whole transaction too (MDEV-35235). 1205: a lock
     * wait timeout, which by default ({@code innodb_rollback_on_timeout=OFF}) undoes only the statement.
     */
    @Override
    protected Abort classifyAbort(SQLException e) {
        switch (e.getErrorCode()) {
            case 1213:
                return new Abort("a deadlock or, on a Galera cluster, a certification failure", true);
            case 1020:
                return new Abort("a snapshot isolation conflict (the row changed since this transaction's snapshot)",
                        true);
            case 1205:
                return new Abort("a lock wait timeout (innodb_lock_wait_timeout)", false);
            default:
                return super.classifyAbort(e);
        }
    }

    /**
     * Without STRICT_TRANS_TABLES or STRICT_ALL_TABLES in the session's {@code sql_mode}, MariaDB stores a value cut
     * to fit its column (a string truncated, a number clamped) with only a warning, and counts the UPDATE as done.
     */
    @Override
    public String sessionProblem(Connection connection) throws SQLException {
        String mode;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@SESSION.sql_mode")) {
            mode = rs.next() ? rs.getString(1) : null;
        }
        if (mode == null) {
            return null;
        }
        String upper = mode.toUpperCase(Locale.ROOT);
        if (upper.contains("STRICT_TRANS_TABLES") || upper.contains("STRICT_ALL_TABLES")) {
            return null;
        }
        return "the session's sql_mode ('" + mode + "') has neither STRICT_TRANS_TABLES nor STRICT_ALL_TABLES, so "
                + "MariaDB stores a value cut to fit its column (a string truncated, a number clamped) and counts the "
                + "UPDATE as done: a save would be reported with values the table does not hold. Add "
                + "STRICT_TRANS_TABLES to sql_mode (MariaDB's default since 10.2.4), in the server's configuration or "
                + "for these connections (the JDBC URL's sessionVariables, the pool's init SQL)";
    }

    /** {@code BEFORE UPDATE ... SET NEW.v = OLD.v + 1}: the row is written once, with the new version. */
    @Override
    public List<String> createVersionTrigger(String trigger, String table, String versionColumn,
                                             List<String> keyColumns) {
        String v = quote(versionColumn);
        // The marker must follow the SET: MariaDB drops a comment placed before the trigger body.
        return List.of("CREATE TRIGGER " + quote(trigger) + " BEFORE UPDATE ON " + quote(table) + " FOR EACH ROW"
                + " SET NEW." + v + " = COALESCE(OLD." + v + ", 0) + 1 /* " + triggerMarker(versionColumn) + " */");
    }

    @Override
    public List<String> dropVersionTrigger(String trigger, String table) {
        return List.of("DROP TRIGGER IF EXISTS " + quote(trigger));
    }

    @Override
    protected String versionTriggersQuery() {
        return "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = DATABASE() AND ACTION_STATEMENT LIKE '%" + TRIGGER_MARKER + "%'"
                + " ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME";
    }

    @Override
    public String sharedLockClause() {
        return " LOCK IN SHARE MODE";
    }
}
