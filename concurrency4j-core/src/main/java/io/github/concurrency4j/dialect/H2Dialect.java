package io.github.concurrency4j.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** H2 2.x. */
public final class H2Dialect extends Dialect {
    /** The shared instance. */
    public static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
        // Not FINAL TABLE: H2 2.3.232 deletes the row when a FINAL TABLE update fails on a constraint (measured, not
        // documented), so that form had to run in a transaction of its own. A plain UPDATE whose generated keys
        // name the version column returns the same value and fails cleanly (ConstraintFailureTest).
        super("h2", VersionReadBack.GENERATED_KEYS, true, 256, 30_000);
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return quotedColumn + " IS DISTINCT FROM ?";
    }

    /** Each column's {@code DATA_TYPE} ({@code CHARACTER VARYING}, {@code VARCHAR_IGNORECASE}). */
    @Override
    public Map<String, String> storedTypes(Connection connection, String quotedTable) throws SQLException {
        String table = quotedTable.substring(1, quotedTable.length() - 1).replace("\"\"", "\"");
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM"
                + " INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA() AND TABLE_NAME = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types;
    }

    /**
     * A {@code VARCHAR} or {@code VARCHAR_IGNORECASE} column (every text column of a database opened with
     * {@code IGNORECASE=TRUE}) is compared by its UTF-8 bytes, whatever collation the database sets:
     * {@code VARCHAR_IGNORECASE} took a change of case for none, so a conditional version stayed put and a stale
     * writer saved over the change (ConditionalValueAttackTest). The value is made text first, as the assignment
     * makes it. {@code CHAR} is compared by the bytes of its text without trailing blanks, as H2 pads it: under a
     * case-blind collation ({@code SET COLLATION ENGLISH STRENGTH PRIMARY}) its own comparison took a change of
     * case for none. {@code TIMESTAMP WITH TIME
     * ZONE} and {@code TIME WITH TIME ZONE} keep the offset written but compare by instant, so 11:00+01 over
     * 10:00+00 was no change though it reads back different: they are compared by their text, which has the offset.
     */
    @Override
    public String isDistinctFromParameter(String quotedColumn, String sqlType, String storedType) {
        if ("CHARACTER VARYING".equals(storedType) || "VARCHAR_IGNORECASE".equals(storedType)) {
            return "CAST(" + quotedColumn + " AS VARBINARY) IS DISTINCT FROM CAST(CAST(? AS VARCHAR) AS VARBINARY)";
        }
        if ("CHARACTER".equals(storedType)) {
            return "CAST(RTRIM(CAST(" + quotedColumn + " AS VARCHAR)) AS VARBINARY) IS DISTINCT FROM "
                    + "CAST(RTRIM(CAST(? AS VARCHAR)) AS VARBINARY)";
        }
        if ("TIMESTAMP WITH TIME ZONE".equals(storedType) || "TIME WITH TIME ZONE".equals(storedType)) {
            return "CAST(" + quotedColumn + " AS VARCHAR) IS DISTINCT FROM CAST(CAST(? AS " + storedType
                    + ") AS VARCHAR)";
        }
        return isDistinctFromParameter(quotedColumn);
    }

    /**
     * H2's codes: 40001 "Deadlock detected. The current transaction was rolled back", 50200 a lock timeout
     * ({@code LOCK_TIMEOUT}, only the statement is undone) and 90131 a concurrent update of the same row under
     * REPEATABLE READ or stricter (only the statement is undone).
     */
    @Override
    protected Abort classifyAbort(SQLException e) {
        switch (e.getErrorCode()) {
            case 40001:
                return new Abort("a deadlock", true);
            case 50200:
                return new Abort("a lock timeout", false);
            case 90131:
                return new Abort("a concurrent update of the same row", false);
            default:
                return super.classifyAbort(e);
        }
    }

    /** The class of the H2 trigger, by name: loading this dialect must not need H2 on the class path. */
    static final String TRIGGER_CLASS = "io.github.concurrency4j.dialect.H2VersionTrigger";

    /**
     * A Java trigger ({@link H2VersionTrigger}) and a constant of the same name recording the version column. The
     * constant comes first: H2 initialises the trigger as it is created, and it survives ALTER TABLE, which a
     * comment on the trigger would not.
     */
    @Override
    public List<String> createVersionTrigger(String trigger, String table, String versionColumn,
                                             List<String> keyColumns) {
        return List.of("DROP CONSTANT IF EXISTS " + quote(trigger),
                "CREATE CONSTANT " + quote(trigger) + " VALUE '" + triggerMarker(versionColumn) + "'",
                "CREATE TRIGGER " + quote(trigger) + " BEFORE UPDATE ON " + quote(table) + " FOR EACH ROW CALL '"
                        + TRIGGER_CLASS + "'");
    }

    @Override
    public List<String> dropVersionTrigger(String trigger, String table) {
        return List.of("DROP TRIGGER IF EXISTS " + quote(trigger), "DROP CONSTANT IF EXISTS " + quote(trigger));
    }

    @Override
    protected String versionTriggersQuery() {
        return "SELECT t.TRIGGER_NAME, t.EVENT_OBJECT_TABLE, c.VALUE_DEFINITION FROM INFORMATION_SCHEMA.TRIGGERS t"
                + " LEFT JOIN INFORMATION_SCHEMA.CONSTANTS c ON c.CONSTANT_SCHEMA = t.TRIGGER_SCHEMA"
                + " AND c.CONSTANT_NAME = t.TRIGGER_NAME"
                + " WHERE t.TRIGGER_SCHEMA = CURRENT_SCHEMA AND t.JAVA_CLASS = '" + TRIGGER_CLASS + "'"
                + " ORDER BY t.EVENT_OBJECT_TABLE, t.TRIGGER_NAME";
    }
}
