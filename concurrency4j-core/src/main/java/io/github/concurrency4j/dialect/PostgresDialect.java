package io.github.concurrency4j.dialect;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/** PostgreSQL. */
public final class PostgresDialect extends Dialect {
    /** The shared instance. */
    public static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
        // NAMEDATALEN is 64: identifiers are truncated past 63 bytes. The wire protocol counts parameters in an int16.
        super("postgresql", VersionReadBack.RETURNING, true, 63, 32_767);
    }

    /** {@code UPDATE ... FROM unnest(...) ... RETURNING}: see {@link PostgresBulkStatements}. */
    @Override
    public BulkStatements bulkStatements() {
        return PostgresBulkStatements.INSTANCE;
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return quotedColumn + " IS DISTINCT FROM ?";
    }

    /**
     * The parameter is cast to the column's exact type, modifiers included, so that the comparison takes every value
     * the assignment takes ({@code text IS DISTINCT FROM integer} has no operator, while {@code SET text_column =
     * integer} stores the number's text) and sees it as the column will store it ({@code 12.5} in a
     * {@code numeric(10,2)} is {@code 12.50}); the two are compared by their stored images:
     * see {@link PostgresBulkStatements#changed}.
     */
    @Override
    public String isDistinctFromParameter(String quotedColumn, String sqlType, String storedType) {
        return PostgresBulkStatements.changed(quotedColumn, "?", storedType);
    }

    /**
     * {@code format_type} with the column's modifiers for built-in types (it spells them as SQL reads them back:
     * {@code timestamp(0) without time zone}); a type of another schema (a domain, an enum, {@code citext}) by its
     * quoted schema and name, which resolves on any search path. Array columns included.
     */
    @Override
    public Map<String, String> storedTypes(Connection connection, String quotedTable) throws SQLException {
        return PostgresBulkStatements.catalogTypes(connection, quotedTable,
                "CASE WHEN n.nspname = 'pg_catalog' THEN format_type(a.atttypid, a.atttypmod) ELSE "
                        + PostgresBulkStatements.QUOTED_TYPE_NAME + " END", "");
    }

    /**
     * The driver describes an enum column as {@code VARCHAR}, and binds a NULL of that code as a {@code varchar},
     * which an enum column refuses ("column ... is of type mood but expression is of type character varying"): a
     * NULL of a text code is sent untyped instead, and PostgreSQL gives it the column's type.
     */
    @Override
    public int nullBindingType(int jdbcType) {
        return jdbcType == Types.VARCHAR || jdbcType == Types.LONGVARCHAR ? Types.OTHER : jdbcType;
    }

    /**
     * For a value of a type the column does not take ({@code 42804}, "column ... is of type json but expression is
     * of type character varying"): PostgreSQL's driver sends a Java {@code String} as {@code varchar}, which only
     * text columns take, unless the JDBC URL says {@code stringtype=unspecified}.
     */
    @Override
    public String adviceFor(SQLException failure) {
        if (!"42804".equals(failure.getSQLState())) {
            return super.adviceFor(failure);
        }
        return "The value is not of the column's type, and nothing of it was written. Pass a Java value of the column's type (Integer or Long for an integer column, "
                + "BigDecimal for numeric, Boolean for boolean, java.util.UUID for uuid, LocalDate, LocalDateTime or "
                + "OffsetDateTime for dates and timestamps, a PGobject of type json or jsonb for JSON, the label as a "
                + "String only with stringtype=unspecified for an enum type), or add stringtype=unspecified to the "
                + "JDBC URL so that the driver sends Strings untyped and PostgreSQL reads them as the column's type";
    }

    /**
     * 40001 (a serialization failure: REPEATABLE READ and SERIALIZABLE), 40P01 (a deadlock) and 55P03 (lock_timeout
     * or NOWAIT). Any error leaves a PostgreSQL transaction failed: it can only be rolled back.
     */
    @Override
    protected Abort classifyAbort(SQLException e) {
        String state = e.getSQLState();
        if ("40001".equals(state)) {
            return new Abort("a serialization failure (another transaction changed what this one read or wrote)",
                    true);
        }
        if ("40P01".equals(state)) {
            return new Abort("a deadlock", true);
        }
        if ("55P03".equals(state)) {
            return new Abort("a lock timeout", true);
        }
        return super.classifyAbort(e);
    }

    /** A plpgsql function named like the trigger, and a BEFORE UPDATE trigger that runs it. */
    @Override
    public List<String> createVersionTrigger(String trigger, String table, String versionColumn,
                                             List<String> keyColumns) {
        String v = quote(versionColumn);
        String function = "CREATE OR REPLACE FUNCTION " + quote(trigger) + "() RETURNS trigger LANGUAGE plpgsql AS $c4j$\n"
                + "BEGIN\n"
                + "    -- " + triggerMarker(versionColumn) + "\n"
                + "    NEW." + v + " := COALESCE(OLD." + v + ", 0) + 1;\n"
                + "    RETURN NEW;\n"
                + "END\n"
                + "$c4j$";
        String create = "CREATE TRIGGER " + quote(trigger) + " BEFORE UPDATE ON " + quote(table)
                + " FOR EACH ROW EXECUTE FUNCTION " + quote(trigger) + "()";
        return List.of(function, create);
    }

    @Override
    public List<String> dropVersionTrigger(String trigger, String table) {
        return List.of("DROP TRIGGER IF EXISTS " + quote(trigger) + " ON " + quote(table),
                "DROP FUNCTION IF EXISTS " + quote(trigger) + "()");
    }

    @Override
    protected String versionTriggersQuery() {
        return "SELECT t.tgname, c.relname, p.prosrc FROM pg_trigger t"
                + " JOIN pg_class c ON c.oid = t.tgrelid"
                + " JOIN pg_proc p ON p.oid = t.tgfoid"
                + " WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
                + " AND p.prosrc LIKE '%" + TRIGGER_MARKER + "%'"
                + " ORDER BY c.relname, t.tgname";
    }

    /**
     * Any error aborts a PostgreSQL transaction: later statements fail with 25P02, and COMMIT rolls back. pgjdbc knows
     * its transaction state from the server's last answer ({@code BaseConnection.getTransactionState()}), so asking
     * costs no round trip; with another driver a {@code SELECT 1} finds out.
     */
    @Override
    public boolean transactionAborted(Connection connection) throws SQLException {
        if (PGJDBC_STATE != null && connection.isWrapperFor(PGJDBC_CONNECTION)) {
            try {
                return "FAILED".equals(String.valueOf(PGJDBC_STATE.invoke(connection.unwrap(PGJDBC_CONNECTION))));
            } catch (Throwable e) {
                // Fall through to the probe: a driver version whose method does not answer.
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
            return false;
        } catch (SQLException e) {
            if ("25P02".equals(e.getSQLState())) {
                return true;
            }
            throw e;
        }
    }

    private static final Class<?> PGJDBC_CONNECTION;
    private static final MethodHandle PGJDBC_STATE;

    static {
        Class<?> type = null;
        MethodHandle state = null;
        try {
            // pgjdbc's public driver API, by name: core does not depend on the driver.
            type = Class.forName("org.postgresql.core.BaseConnection", false, PostgresDialect.class.getClassLoader());
            Class<?> stateType = Class.forName("org.postgresql.core.TransactionState", false, type.getClassLoader());
            state = MethodHandles.publicLookup().findVirtual(type, "getTransactionState", MethodType.methodType(
                    stateType)).asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException | LinkageError | SecurityException absent) {
            type = null;
            state = null;
        }
        PGJDBC_CONNECTION = type;
        PGJDBC_STATE = state;
    }

    @Override
    public String sharedLockClause() {
        return " FOR SHARE";
    }
}
