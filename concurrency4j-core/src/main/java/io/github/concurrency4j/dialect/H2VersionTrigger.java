package io.github.concurrency4j.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.h2.api.Trigger;

/**
 * The H2 version trigger: before each row is updated, sets the version column to its old value plus one. Created
 * by the trigger manager with {@code CREATE TRIGGER ... BEFORE UPDATE ... CALL
 * 'io.github.concurrency4j.dialect.H2VersionTrigger'}; H2 databases store this class name, so it does not move.
 *
 * <p>The version column is read from the constant of the same name that the manager creates with the trigger.
 */
public final class H2VersionTrigger implements Trigger {
    // While H2 copies a table for ALTER TABLE it creates the copy's triggers as "<TABLE>_COPY_<n>_<m>_<trigger>"
    // on "<TABLE>_COPY_<n>_<m>", then renames them back without telling the trigger: the instance keeps these names.
    private static final Pattern COPY_TABLE = Pattern.compile(".+_COPY_\\d+_\\d+");

    private String schema;
    private String trigger;
    private String table;
    private volatile int versionIndex = -1;

    /** Called by H2. */
    public H2VersionTrigger() {
    }

    @Override
    public void init(Connection connection, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        this.schema = schemaName;
        this.table = tableName;
        this.trigger = COPY_TABLE.matcher(tableName).matches() && triggerName.startsWith(tableName + "_")
                ? triggerName.substring(tableName.length() + 1) : triggerName;
        // Resolve now, against this table's columns: after ALTER TABLE the instance is re-created for the new
        // layout under a temporary table name that no longer exists when rows fire.
        try {
            versionIndex = locate(connection, false);
        } catch (SQLException | RuntimeException e) {
            // Never let a lookup keep H2 from opening the database: the first row to fire resolves it instead.
            versionIndex = -1;
        }
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        if (oldRow == null || newRow == null) {
            return;
        }
        int i = versionIndex;
        if (i < 0) {
            i = locate(connection, true);
            versionIndex = i;
        }
        newRow[i] = next(oldRow[i]);
    }

    /** The 0-based index of the version column, or -1 when not yet known and not required. */
    private int locate(Connection connection, boolean required) throws SQLException {
        String column = null;
        try (PreparedStatement ps = connection.prepareStatement("SELECT VALUE_DEFINITION FROM "
                + "INFORMATION_SCHEMA.CONSTANTS WHERE CONSTANT_SCHEMA = ? AND CONSTANT_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, trigger);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    column = Dialect.markedColumn(rs.getString(1));
                }
            }
        }
        if (column != null) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT ORDINAL_POSITION FROM "
                    + "INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
                ps.setString(1, schema);
                ps.setString(2, table);
                ps.setString(3, column);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getInt(1) - 1;
                    }
                }
            }
        }
        if (!required) {
            return -1;
        }
        throw new SQLException("The concurrency4j version trigger " + trigger + " on " + table + " cannot find "
                + (column == null ? "its constant " + trigger + " naming the version column" : "column " + column)
                + ". Drop it and create it again: concurrency4j triggers drop/create --table " + table
                + (column == null ? "" : ":" + column) + ".");
    }

    /** The old version plus one, in the Java type H2 handed over for the column. */
    private static Object next(Object old) {
        if (old == null) {
            return 1L;
        }
        if (old instanceof Integer n) {
            return n + 1;
        }
        if (old instanceof Short n) {
            return (short) (n + 1);
        }
        if (old instanceof BigDecimal n) {
            return n.add(BigDecimal.ONE);
        }
        if (old instanceof BigInteger n) {
            return n.add(BigInteger.ONE);
        }
        return ((Number) old).longValue() + 1;
    }

    @Override
    public void close() {
        // Holds no resources.
    }

    @Override
    public void remove() {
        // The constant is dropped with the trigger by the manager; nothing is held here.
    }
}
