package io.github.concurrency4j.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * PostgreSQL's bulk form: one statement joining the table with {@code unnest} of one array parameter per column,
 * {@code RETURNING} the key and version of every row it wrote. The number of parameters is fixed whatever the row
 * count, so there is no parameter limit and one plan serves every chunk of the same shape.
 *
 * <p>Each array reaches {@code unnest} behind a sub-select ({@code unnest((SELECT ?::int8[]), ...)}), which the
 * planner cannot look into: it plans for a few rows, and so fetches each row of the chunk by the key's index, on the
 * first executions (which are planned with the arrays' values) as on the cached generic plan. Seeing 5,000 values,
 * it would rather read the whole table into a hash join (BulkPlanTest). The join locks rows in the order its plan
 * reads them, and two bulk writes over overlapping rows that lock in different orders deadlock, so a statement
 * either locks its rows in key order first or gives up quickly on a row another transaction holds, as
 * {@link Locking} describes.
 *
 * <p>Values travel as {@code text[]} cast to the column's own type (by its catalog name, without a length, so that
 * a value too long for {@code varchar(n)} fails as it does in a single UPDATE instead of being cut), except
 * {@code bytea}, which travels as {@code bytea[]}, and whole numbers into integer and numeric columns, which travel as
 * {@code int8[]} (no text per value). Each row comes back with its position in the arrays
 * ({@code WITH ORDINALITY}), so the evidence names the input row itself, whatever type the key has. Only values whose text form PostgreSQL reads back as the driver
 * would have bound them are carried ({@link #canCarry}); the engine writes the others as a batch.
 */
final class PostgresBulkStatements implements BulkStatements {
    static final PostgresBulkStatements INSTANCE = new PostgresBulkStatements();

    /**
     * Measured on PostgreSQL 15 (BulkUpdateBenchmark): the time per row is flat from a few hundred rows up; chunks
     * of this size keep each array parameter a few hundred kilobytes at most.
     */
    private static final int MAX_ROWS = 5_000;

    /**
     * How long a giving-up statement waits for a row lock another transaction holds: long enough for a single-row
     * write's commit (a disk flush) to end, far below PostgreSQL's default {@code deadlock_timeout} of 1 s.
     */
    private static final String GIVE_UP_AFTER = "50ms";

    private static final String BYTEA = "\"pg_catalog\".\"bytea\"";
    private static final String INT8 = "\"pg_catalog\".\"int8\"";
    private static final String NUMERIC = "\"pg_catalog\".\"numeric\"";
    /** Columns a whole number reaches through an int8 cast exactly as through its text. */
    private static final Set<String> WHOLE_NUMBER_TARGETS = Set.of(INT8, "\"pg_catalog\".\"int4\"",
            "\"pg_catalog\".\"int2\"", NUMERIC);
    private static final String FLOAT8 = "\"pg_catalog\".\"float8\"";
    private static final String FLOAT4 = "\"pg_catalog\".\"float4\"";
    private static final String TIMESTAMPTZ = "\"pg_catalog\".\"timestamptz\"";
    private static final String TIMESTAMP = catalog("timestamp");
    private static final String DATE = catalog("date");
    private static final String TIME = catalog("time");
    private static final String BOOL = catalog("bool");
    private static final String UUID_TYPE = catalog("uuid");
    /** Text columns: the only ones that take the driver's {@code varchar}. */
    private static final Set<String> TEXTS = Set.of(catalog("text"), catalog("varchar"), catalog("bpchar"));
    /** Columns that take the driver's int2, int4, int8 and numeric by an assignment cast. */
    private static final Set<String> NUMBERS = Set.of(INT8, catalog("int4"), catalog("int2"), NUMERIC, FLOAT8,
            FLOAT4);

    /**
     * Types, as {@code format_type} spells them, whose {@code =} holds only for values stored alike: no collation,
     * no scale, no second spelling of one value.
     */
    private static final Set<String> EXACT_EQUALITY = Set.of("bigint", "integer", "smallint", "boolean", "uuid",
            "date", "bytea");
    /** {@code timestamp} and {@code timestamptz}, with or without a precision: one stored instant, one value. */
    private static final Pattern EXACT_TIMESTAMP = Pattern.compile(
            "timestamp(\\(\\d\\))? with(out)? time zone");

    private PostgresBulkStatements() {
    }

    /** A type of the catalog, quoted as {@link #columnTypes} names it. */
    private static String catalog(String name) {
        return "\"pg_catalog\".\"" + name + "\"";
    }

    @Override
    public int maxRowsPerStatement() {
        return MAX_ROWS;
    }

    /** Array columns are left out: an array of arrays is not a type. */
    @Override
    public Map<String, String> columnTypes(Connection connection, String quotedTable) throws SQLException {
        // Always quoted: a quoted name is the type itself, with no length (bare "bit" and "char" mean length 1).
        return catalogTypes(connection, quotedTable, QUOTED_TYPE_NAME, " AND t.typcategory <> 'A'");
    }

    /** A column's type as its quoted schema and name ({@code "pg_catalog"."int4"}): resolves on any search path. */
    static final String QUOTED_TYPE_NAME = "'\"' || replace(n.nspname, '\"', '\"\"') || '\".\"'"
            + " || replace(t.typname, '\"', '\"\"') || '\"'";

    /**
     * Each column of the table with {@code typeExpression} (SQL over {@code a} = pg_attribute, {@code t} = pg_type,
     * {@code n} = the type's pg_namespace), for the columns {@code filter} keeps. {@code to_regclass} resolves the
     * name as the engine's statements do (the search path) and answers no rows rather than an error where it finds
     * nothing. Read once per table, when it is declared.
     */
    static Map<String, String> catalogTypes(Connection connection, String quotedTable, String typeExpression,
                                            String filter) throws SQLException {
        String sql = "SELECT a.attname, " + typeExpression
                + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped" + filter;
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, quotedTable);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return types;
    }

    /**
     * Carried are only the (value, column type) pairs proven to land as the single-row {@code update} stores them
     * (PostgresTypeParityTest runs every pair through both): there the driver binds the value with
     * {@code setObject} in its own type, and PostgreSQL assigns it to the column by an assignment cast or refuses it
     * ("column ... is of type json but expression is of type character varying"). Every other pair goes as a batch
     * of that very statement, so both paths give the same answer, the same refusal included.
     *
     * <p>A {@code String} (and a {@code Character} or an enum, which the driver also sends as text) is carried into
     * text columns only: the driver sends it as {@code varchar}, which no other column type takes, unless the JDBC
     * URL says {@code stringtype=unspecified}, and which of the two a connection does cannot be seen from here. Date
     * and time values are never carried into text columns: what they become there depends on the session's
     * {@code DateStyle} and on how the driver spells them, which is not ISO text.
     */
    @Override
    public boolean canCarry(Object value, String sqlType) {
        if (value instanceof byte[]) {
            return BYTEA.equals(sqlType);
        }
        if (value instanceof String || value instanceof Character || value instanceof Enum<?>) {
            return TEXTS.contains(sqlType);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            // Assignment casts exist from the driver's int2/int4/int8/numeric to these and no other column types;
            // into text the number's digits, as its text form. Into json, "5" would be a JSON number, not an error.
            return NUMBERS.contains(sqlType) || TEXTS.contains(sqlType);
        }
        if (value instanceof Double) {
            // The driver binds a double as float8: into numeric it lands with 15 digits, its text form with 17.
            return FLOAT8.equals(sqlType);
        }
        if (value instanceof Float) {
            return FLOAT4.equals(sqlType);
        }
        if (value instanceof BigDecimal) {
            // The driver binds it as numeric, which an integer column rounds and a text column spells without an
            // exponent; its text form ("7.0", "1E+3") is read as the driver's value only by numeric and floats.
            return NUMERIC.equals(sqlType) || FLOAT8.equals(sqlType) || FLOAT4.equals(sqlType);
        }
        if (value instanceof Boolean) {
            // Into text: "true" and "false", as the boolean's assignment cast spells them. Into json, "true" would be
            // a JSON value, and into an integer column an error either way.
            return BOOL.equals(sqlType) || TEXTS.contains(sqlType);
        }
        if (value instanceof UUID) {
            return UUID_TYPE.equals(sqlType) || TEXTS.contains(sqlType);
        }
        if (value instanceof OffsetDateTime o) {
            // Bound as timestamptz, a timestamp column takes it in the session's zone; its text's offset is ignored.
            return TIMESTAMPTZ.equals(sqlType) && inTextRange(o.getYear());
        }
        if (value instanceof LocalDate d) {
            // Bound as date: into timestamp and timestamptz it is midnight, in the session's zone for the latter,
            // as its text is read.
            return (DATE.equals(sqlType) || TIMESTAMP.equals(sqlType) || TIMESTAMPTZ.equals(sqlType))
                    && inTextRange(d.getYear());
        }
        if (value instanceof LocalDateTime d) {
            // Bound as timestamp: into a time column the assignment keeps the time of day, which the ISO text
            // ("2024-02-29T10:11:12") is not read as.
            return (TIMESTAMP.equals(sqlType) || TIMESTAMPTZ.equals(sqlType) || DATE.equals(sqlType))
                    && inTextRange(d.getYear());
        }
        if (value instanceof Timestamp t) {
            return (TIMESTAMP.equals(sqlType) || TIMESTAMPTZ.equals(sqlType) || DATE.equals(sqlType))
                    && inTextRange(t.toLocalDateTime().getYear());
        }
        if (value instanceof java.sql.Date d) {
            // The driver spells it with the JVM zone's offset, which a timestamptz column would read; the text here
            // has none.
            return (DATE.equals(sqlType) || TIMESTAMP.equals(sqlType)) && inTextRange(d.toLocalDate().getYear());
        }
        if (value instanceof LocalTime) {
            return TIME.equals(sqlType);
        }
        return false;
    }

    /**
     * The SQL that is true when a tracked column's new value differs from its old one, for a conditional version:
     * the value is cast to the column's exact type, and the two are compared by their stored images (the
     * {@code *=} operator of row types), NULL equal to NULL. So a change is what reads back different, and nothing
     * else. A type's own {@code =} is coarser in many places, and a conditional version that stayed put let a stale
     * writer save over the change (ConditionalValueAttackTest, ConditionalCollationAttackTest): {@code citext} and
     * nondeterministic collations ignore case, {@code box} and {@code circle} compare areas, {@code interval} takes
     * {@code '1 day'} for {@code '24 hours'}, {@code numeric} {@code 1.0} for {@code 1.00}, floating point
     * {@code -0} for {@code 0}, {@code jsonb} {@code 1.0} for {@code 1}; {@code json} and {@code xml} have no
     * {@code =} at all ("operator does not exist: json = json"). What the column stores alike is no change:
     * {@code jsonb} with other blanks or key order, {@code 12.5} in a {@code numeric(10,2)} holding {@code 12.50},
     * a {@code timestamptz} spelled with another offset, fractional seconds a {@code timestamp(0)} rounds away.
     *
     * @param column the column, as the statement names it
     * @param value the new value
     * @param storedType the column's type with its modifiers ({@link PostgresDialect#storedTypes}), or {@code null}
     *     where unknown: the type's own equality, then
     */
    static String changed(String column, String value, String storedType) {
        if (storedType == null) {
            return column + " IS DISTINCT FROM " + value;
        }
        if (EXACT_EQUALITY.contains(storedType) || EXACT_TIMESTAMP.matcher(storedType).matches()) {
            // Equal only when stored alike, and cheaper than the image (about 0.5 µs a row per column measured on
            // PostgreSQL 15): what most tracked columns of a bulk write are.
            return column + " IS DISTINCT FROM CAST(" + value + " AS " + storedType + ")";
        }
        return "NOT (ROW(" + column + ")::record *= ROW(CAST(" + value + " AS " + storedType + "))::record)";
    }

    /** Years the ISO text forms spell as PostgreSQL reads them (no sign, four digits); the driver maps the rest. */
    private static boolean inTextRange(int year) {
        return year >= 1 && year <= 9999;
    }

    /** The text PostgreSQL reads as the value {@link #canCarry} accepted. */
    private static String text(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Timestamp t) {
            // As the driver binds a Timestamp: the wall-clock time in the JVM's zone, with that zone's offset.
            // The offset is the one at the instant: in the hour a DST change repeats, the wall-clock time alone
            // names two instants.
            LocalDateTime local = t.toLocalDateTime();
            return local + ZoneId.systemDefault().getRules().getOffset(t.toInstant()).getId().replace("Z", "+00:00");
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        return value.toString();
    }

    @Override
    public void update(Connection connection, Update u, WrittenRows written) throws SQLException {
        List<Array> arrays = new ArrayList<>();
        try {
            List<Object> params = new ArrayList<>();
            StringBuilder unnest = new StringBuilder(" FROM unnest(");
            StringBuilder names = new StringBuilder(") WITH ORDINALITY AS v(k");
            String keyCast = column(connection, arrays, u.keys(), u.key().sqlType(), unnest, params);
            if (u.checked()) {
                unnest.append(", (SELECT ?::int8[])");
                params.add(u.expected());
                names.append(", e");
            }
            if (u.versionChange() == VersionChange.TIMESTAMP) {
                unnest.append(", (SELECT ?::int8[])");
                params.add(u.now());
                names.append(", n");
            }
            List<Column> columns = u.columns();
            for (int c = 0; c < columns.size(); c++) {
                unnest.append(", ");
                column(connection, arrays, u.values()[c], columns.get(c).sqlType(), unnest, params);
                names.append(", c").append(c);
                boolean[] w = u.written()[c];
                if (w != null) {
                    Boolean[] flags = new Boolean[w.length];
                    for (int r = 0; r < w.length; r++) {
                        flags[r] = w[r];
                    }
                    unnest.append(", (SELECT ?::bool[])");
                    params.add(track(arrays, connection.createArrayOf("bool", flags)));
                    names.append(", w").append(c);
                }
            }
            String v = u.version();
            StringBuilder sql = new StringBuilder(256).append("UPDATE ").append(u.table()).append(" AS t SET ");
            boolean first = true;
            switch (u.versionChange()) {
                case INCREMENT:
                    sql.append(v).append(" = t.").append(v).append(" + 1");
                    first = false;
                    break;
                case TIMESTAMP:
                    sql.append(v).append(" = GREATEST(t.").append(v).append(" + 1, v.n)");
                    first = false;
                    break;
                case CONDITIONAL:
                    sql.append(v).append(" = CASE WHEN ");
                    boolean firstTracked = true;
                    for (int c = 0; c < columns.size(); c++) {
                        Column col = columns.get(c);
                        if (col.tracked()) {
                            sql.append(firstTracked ? "" : " OR ").append('(');
                            if (u.written()[c] != null) {
                                sql.append("v.w").append(c).append(" AND ");
                            }
                            sql.append(changed("t." + col.sql(), "v.c" + c, col.storedType())).append(')');
                            firstTracked = false;
                        }
                    }
                    sql.append(" THEN t.").append(v).append(" + 1 ELSE t.").append(v).append(" END");
                    first = false;
                    break;
                default:
                    break;
            }
            for (int c = 0; c < columns.size(); c++) {
                String col = columns.get(c).sql();
                sql.append(first ? "" : ", ").append(col).append(" = ");
                if (u.written()[c] == null) {
                    sql.append("v.c").append(c);
                } else {
                    sql.append("CASE WHEN v.w").append(c).append(" THEN v.c").append(c).append(" ELSE t.").append(col)
                            .append(" END");
                }
                first = false;
            }
            if (first) {
                // Nothing to set (increment disabled, and empty changes): a no-op assignment
                // still fires update triggers, as the single-row statement does.
                sql.append(u.key().sql()).append(" = t.").append(u.key().sql());
            }
            sql.append(unnest).append(names).append(", i) WHERE t.").append(u.key().sql()).append(" = v.k");
            locking(u.locking(), u.table(), u.key(), keyCast, sql, params);
            if (u.checked()) {
                sql.append(" AND t.").append(v).append(" = v.e");
            } else if (u.guardOverflow()) {
                sql.append(" AND t.").append(v).append(" < ").append(Long.MAX_VALUE);
            }
            sql.append(" RETURNING v.i AS i, t.").append(v).append(" AS n");
            run(connection, u.locking(), u.evidence(), sql, params, u.keys().length, written);
        } finally {
            free(arrays);
        }
    }

    @Override
    public void delete(Connection connection, Delete d, WrittenRows written) throws SQLException {
        List<Array> arrays = new ArrayList<>(2);
        try {
            List<Object> params = new ArrayList<>(3);
            StringBuilder sql = new StringBuilder(160).append("DELETE FROM ").append(d.table())
                    .append(" AS t USING unnest(");
            String keyCast = column(connection, arrays, d.keys(), d.key().sqlType(), sql, params);
            if (d.checked()) {
                sql.append(", (SELECT ?::int8[])");
                params.add(d.expected());
            }
            sql.append(") WITH ORDINALITY AS v(k").append(d.checked() ? ", e" : "").append(", i) WHERE t.")
                    .append(d.key().sql()).append(" = v.k");
            if (d.checked()) {
                sql.append(" AND t.").append(d.version()).append(" = v.e");
            }
            locking(d.locking(), d.table(), d.key(), keyCast, sql, params);
            sql.append(" RETURNING v.i AS i, t.").append(d.version()).append(" AS n");
            run(connection, d.locking(), d.evidence(), sql, params, d.keys().length, written);
        } finally {
            free(arrays);
        }
    }

    /**
     * Binds one column's values as one array parameter: {@code bytea[]} for bytes, {@code int8[]} for whole numbers
     * into an integer or numeric column (no text per value), {@code text[]} for the rest, cast to the column's type.
     * Appends the parameter behind a sub-select, which keeps the planner from counting its values (see the class
     * comment), and returns the parameter's SQL without it.
     */
    private static String column(Connection c, List<Array> arrays, Object[] values, String sqlType,
                                 StringBuilder sql, List<Object> params) throws SQLException {
        String cast;
        Object array;
        if (BYTEA.equals(sqlType)) {
            cast = "?::bytea[]";
            array = track(arrays, c.createArrayOf("bytea", byteArrays(values)));
        } else if (WHOLE_NUMBER_TARGETS.contains(sqlType) && wholeNumbers(values)) {
            cast = INT8.equals(sqlType) ? "?::int8[]" : "?::int8[]::" + sqlType + "[]";
            array = wholeNumberArray(c, arrays, values);
        } else {
            cast = "?::text[]::" + sqlType + "[]";
            String[] texts = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                texts[i] = text(values[i]);
            }
            array = track(arrays, c.createArrayOf("text", texts));
        }
        // Behind a sub-select, the planner cannot see how many values the array holds (see #locking).
        sql.append("(SELECT ").append(cast).append(')');
        params.add(array);
        return cast;
    }

    /**
     * Whole numbers as one {@code int8[]} parameter: a {@code long[]} when none is null (the driver sends it in
     * binary, with no boxing and no text per value), otherwise an array of boxed values with its nulls.
     */
    private static Object wholeNumberArray(Connection c, List<Array> arrays, Object[] values) throws SQLException {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) {
                Long[] boxed = new Long[values.length];
                for (int j = 0; j < values.length; j++) {
                    boxed[j] = values[j] == null ? null : ((Number) values[j]).longValue();
                }
                return track(arrays, c.createArrayOf("int8", boxed));
            }
            longs[i] = ((Number) v).longValue();
        }
        return longs;
    }

    @Override
    public boolean canGiveUp() {
        return true;
    }

    /** {@code lock_not_available} (the statement's lock_timeout ran out) or {@code deadlock_detected}. */
    @Override
    public boolean gaveUp(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && ("55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends the conditions that decide how the statement locks its rows.
     * <ul>
     *   <li>{@link Locking#KEY_ORDER}: the rows are found and locked in key order first, by a sub-select run once
     *       before the join ({@code ARRAY(SELECT ... ORDER BY key FOR UPDATE)}). The join itself locks rows in
     *       whatever order its plan reads them (a sequential scan: the physical order, which updates keep changing),
     *       and two bulk writes over overlapping rows locking in different orders deadlock (BulkStormTest: 3 to 12
     *       of 64 calls at READ COMMITTED). The locking pass costs about what the write does.</li>
     *   <li>{@link Locking#GIVE_UP} and {@link Locking#GIVE_UP_AND_RESTORE}: no locking pass. Before the join reads
     *       a row, an init-plan sets the transaction's {@code lock_timeout} to {@value #GIVE_UP_AFTER}, far below
     *       the {@code deadlock_timeout} after which PostgreSQL looks for deadlocks (1 s by default): a statement
     *       that meets a row another transaction holds for longer fails with {@code lock_not_available} instead of
     *       waiting, so it is never the waiting half of a deadlock, and the engine runs the chunk again with
     *       {@link Locking#KEY_ORDER}.</li>
     * </ul>
     * Only {@link Locking#KEY_ORDER} binds the keys a second time. The rows are fetched by the key's index either
     * way, since the planner cannot count the arrays ({@link #column}): measured on PostgreSQL 15 with a 100,000-row
     * table, a chunk of 5,000 rows whose arrays the planner could see was hash-joined with the whole table (50 ms
     * instead of 12). The former remedy, {@code t.key = ANY(keys)} beside the join, made the planner index-scan the
     * keys and then hash them: 2.7 ms instead of 2.1 for 1,000 rows of a 1,000-row table, planned with the values.
     */
    private static void locking(Locking locking, String table, Column key, String keyCast, StringBuilder sql,
                                List<Object> params) {
        if (locking == Locking.KEY_ORDER) {
            params.add(params.get(0));
            sql.append(" AND t.").append(key.sql()).append(" = ANY(ARRAY(SELECT l.").append(key.sql())
                    .append(" FROM ").append(table).append(" AS l WHERE l.").append(key.sql()).append(" = ANY(")
                    .append(keyCast).append(") ORDER BY l.").append(key.sql()).append(" FOR UPDATE))");
            return;
        }
        if (locking == Locking.GIVE_UP) {
            // A scalar sub-select without references is an init-plan: the one-time filter it feeds runs before the
            // plan reads its first row.
            sql.append(" AND (SELECT set_config('lock_timeout', '" + GIVE_UP_AFTER + "', true)) IS NOT NULL");
        } else {
            sql.append(" AND (SELECT s FROM c4j_setting) IS NOT NULL");
        }
    }

    @Override
    public boolean canWriteAllOrNothing() {
        return true;
    }

    /**
     * The statement as it runs. The write itself hands back {@code (i, n)} for every row it wrote: its position in
     * the arrays, from 1, and its version. What the statement returns:
     * <ul>
     *   <li>{@link Evidence#ROWS}: those rows.</li>
     *   <li>{@link Evidence#POSITIONS}: one row, {@code (count, distinct count, positions)}, the positions only when
     *       some row was not written (an array of {@code int8}), so that a chunk written in full sends one row back
     *       instead of one per row, and is proved by its two counts both equal to the chunk's size (a key column
     *       that is not unique would write a position twice).</li>
     *   <li>{@link Evidence#ALL_OR_NOTHING}: the two counts, and a guard that casts a text to an integer, which
     *       fails the whole statement ({@code invalid_text_representation}, naming concurrency4j) unless every row
     *       was written exactly once: in auto-commit nothing is then written. The text holds the count, so that it
     *       is no constant the planner would cast, and fail on, while planning.</li>
     * </ul>
     * For {@link Locking#GIVE_UP_AND_RESTORE}, the write runs inside a data-modifying CTE between a CTE that notes
     * the caller's {@code lock_timeout} and sets the short one, and a last branch that puts the caller's back once
     * every row has been written (a {@code UNION ALL} runs its branches in order; it returns no row). When the
     * statement fails, the caller's savepoint undoes the setting with the rest.
     */
    private static String statement(Locking locking, Evidence evidence, StringBuilder write) {
        boolean restore = locking == Locking.GIVE_UP_AND_RESTORE;
        if (evidence == Evidence.ROWS && !restore) {
            return write.toString();
        }
        StringBuilder sql = new StringBuilder(write.length() + 400).append("WITH ");
        String rows = "c4j_written";
        if (restore) {
            sql.append("c4j_setting AS MATERIALIZED (SELECT current_setting('lock_timeout') AS v, set_config("
                    + "'lock_timeout', '" + GIVE_UP_AFTER + "', true) AS s), ");
            rows = "(SELECT i, n FROM c4j_written UNION ALL SELECT NULL, NULL FROM c4j_setting"
                    + " WHERE set_config('lock_timeout', c4j_setting.v, true) IS NULL) AS c4j_rows";
        }
        sql.append("c4j_written AS (").append(write).append(") SELECT ");
        switch (evidence) {
            case ROWS:
                sql.append("i, n");
                break;
            case POSITIONS:
                sql.append("count(i), count(DISTINCT i), CASE WHEN count(i) = ? AND count(DISTINCT i) = count(i)"
                        + " THEN NULL ELSE array_agg(i) END");
                break;
            default:
                sql.append("count(i), count(DISTINCT i), CASE WHEN count(i) = ? AND count(DISTINCT i) = count(i)"
                        + " THEN 0 ELSE ('" + REFUSED + " (it matched ' || count(i) || ' of ' || ?::int8"
                        + " || ')')::int END");
                break;
        }
        return sql.append(" FROM ").append(rows).toString();
    }

    /**
     * The text an {@link Evidence#ALL_OR_NOTHING} statement fails on (as "invalid input syntax for type integer")
     * when some row was not written: what a server log shows.
     */
    static final String REFUSED = "concurrency4j: not every row of the chunk is at its expected version, so the "
            + "statement wrote none";

    private static boolean wholeNumbers(Object[] values) {
        for (Object v : values) {
            if (v != null && !(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
                return false;
            }
        }
        return true;
    }

    /** Runs the statement and hands its evidence to {@code written} (see {@link #statement}). */
    private static void run(Connection c, Locking locking, Evidence evidence, StringBuilder write, List<Object> params,
                            int rows, WrittenRows written) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement(locking, evidence, write))) {
            int p = 0;
            for (; p < params.size(); p++) {
                Object param = params.get(p);
                if (param instanceof Array a) {
                    ps.setArray(p + 1, a);
                } else {
                    // A long[]: PostgreSQL's driver binds a primitive array as the matching array type.
                    ps.setObject(p + 1, param);
                }
            }
            if (evidence != Evidence.ROWS) {
                ps.setLong(++p, rows);
                if (evidence == Evidence.ALL_OR_NOTHING) {
                    ps.setLong(++p, rows);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (evidence == Evidence.ROWS) {
                    while (rs.next()) {
                        written.row((int) rs.getLong(1) - 1, rs.getLong(2));
                    }
                    return;
                }
                if (!rs.next()) {
                    throw new SQLException("The bulk statement returned no row; it returns one");
                }
                long count = rs.getLong(1);
                long distinct = rs.getLong(2);
                if (count == rows && distinct == rows) {
                    written.all();
                    return;
                }
                if (count != distinct) {
                    // A position twice: the key column is not unique. Handing one back twice says so.
                    written.row(0);
                    written.row(0);
                    return;
                }
                Array positions = rs.getArray(3);
                if (positions != null) {
                    for (Object i : (Object[]) positions.getArray()) {
                        written.row(((Number) i).intValue() - 1);
                    }
                }
            }
        }
    }

    private static byte[][] byteArrays(Object[] values) {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte[]) values[i];
        }
        return bytes;
    }

    private static Array track(List<Array> arrays, Array a) {
        arrays.add(a);
        return a;
    }

    private static void free(List<Array> arrays) {
        for (Array a : arrays) {
            try {
                a.free();
            } catch (SQLException ignored) {
                // Nothing is held on the server for a bound array; freeing only drops the driver's copy.
            }
        }
    }
}
