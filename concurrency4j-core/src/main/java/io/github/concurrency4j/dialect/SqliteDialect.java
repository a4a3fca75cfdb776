package io.github.concurrency4j.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** SQLite (3.35 or later, for RETURNING). */
public final class SqliteDialect extends Dialect {
    /** The shared instance. */
    public static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {
        // SQLITE_MAX_VARIABLE_NUMBER defaults to 32766 since 3.32. SQLite has no row locks: a writer locks the file.
        super("sqlite", VersionReadBack.RETURNING, false, 1_000, 32_766);
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return quotedColumn + " IS NOT ?";
    }

    /**
     * Compared with the {@code BINARY} collation whatever the column declares: a {@code COLLATE NOCASE} or
     * {@code COLLATE RTRIM} column took a change of case or of trailing blanks for none, so a conditional version
     * stayed put and a stale writer saved over the change (ConditionalValueAttackTest). An explicit collation on an
     * operand wins over the column's.
     */
    @Override
    public String isDistinctFromParameter(String quotedColumn, String sqlType, String storedType) {
        return quotedColumn + " IS NOT ? COLLATE BINARY";
    }

    /**
     * SQLITE_BUSY (5) and SQLITE_LOCKED (6): the database's one write lock could not be had within
     * {@code busy_timeout}, or (SQLITE_BUSY_SNAPSHOT, in WAL mode) a transaction that read an older snapshot tried
     * to write after another connection had written. The statement did nothing; SQLite keeps the transaction open,
     * but one that got SQLITE_BUSY_SNAPSHOT can never write and must be rolled back and run again. Both mean
     * "another writer got there first", so they count as aborts and are retried.
     */
    @Override
    protected Abort classifyAbort(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        if (primary == 5) {
            String m = e.getMessage();
            return m != null && m.contains("SQLITE_BUSY_SNAPSHOT")
                    ? new Abort("a write after another connection wrote since this transaction's snapshot", false)
                    : new Abort("a busy database (the write lock was not free within busy_timeout)", false);
        }
        if (primary == 6) {
            return new Abort("a locked table", false);
        }
        return super.classifyAbort(e);
    }

    /** SQLite's RETURNING reports the row as the statement left it, before AFTER triggers ran. */
    @Override
    public boolean returningSeesTriggerChanges() {
        return false;
    }

    /**
     * SQLite cannot assign NEW, so an AFTER UPDATE trigger writes the row again. It fires only when the statement
     * left the version as it was: its own write changes the version, so with {@code PRAGMA recursive_triggers=ON}
     * the nested firing is skipped, and a statement that already moved the version is not bumped twice.
     */
    @Override
    public List<String> createVersionTrigger(String trigger, String table, String versionColumn,
                                             List<String> keyColumns) {
        String v = quote(versionColumn);
        StringBuilder row = new StringBuilder();
        if (keyColumns.isEmpty()) {
            row.append("rowid = NEW.rowid");
        } else {
            // A WITHOUT ROWID table has no rowid; its primary key finds the row as well.
            for (String k : keyColumns) {
                if (row.length() > 0) {
                    row.append(" AND ");
                }
                row.append(quote(k)).append(" IS NEW.").append(quote(k));
            }
        }
        return List.of("CREATE TRIGGER " + quote(trigger) + " AFTER UPDATE ON " + quote(table) + " FOR EACH ROW"
                + " WHEN NEW." + v + " IS OLD." + v + "\n"
                + "BEGIN\n"
                + "    /* " + triggerMarker(versionColumn) + " */\n"
                + "    UPDATE " + quote(table) + " SET " + v + " = COALESCE(OLD." + v + ", 0) + 1 WHERE " + row + ";\n"
                + "END");
    }

    /**
     * sqlite-jdbc's index metadata does not say whether an index is partial, so the indexes are read from
     * {@code PRAGMA index_list} (its {@code partial} column) and {@code PRAGMA index_info} (a null name is an
     * expression); the primary key comes from the metadata, which also knows an {@code INTEGER PRIMARY KEY}, the
     * rowid itself, which has no index.
     */
    @Override
    public List<Set<String>> uniqueColumnSets(Connection connection, String catalog, String schema, String table)
            throws SQLException {
        List<Set<String>> sets = new ArrayList<>();
        Set<String> primaryKey = new LinkedHashSet<>();
        try (ResultSet rs = connection.getMetaData().getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                primaryKey.add(rs.getString("COLUMN_NAME"));
            }
        }
        if (!primaryKey.isEmpty()) {
            sets.add(primaryKey);
        }
        List<String> unique = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT name FROM pragma_index_list(?)"
                + " WHERE \"unique\" = 1 AND partial = 0 ORDER BY seq")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unique.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT name FROM pragma_index_info(?)"
                + " ORDER BY seqno")) {
            for (String index : unique) {
                ps.setString(1, index);
                Set<String> columns = new LinkedHashSet<>();
                boolean plain = true;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String column = rs.getString(1);
                        plain &= column != null;
                        columns.add(column);
                    }
                }
                if (plain && !columns.isEmpty() && !columns.equals(primaryKey)) {
                    sets.add(columns);
                }
            }
        }
        return sets;
    }

    @Override
    public List<String> dropVersionTrigger(String trigger, String table) {
        return List.of("DROP TRIGGER IF EXISTS " + quote(trigger));
    }

    @Override
    protected String versionTriggersQuery() {
        return "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
                + " AND sql LIKE '%" + TRIGGER_MARKER + "%' ORDER BY tbl_name, name";
    }
}
