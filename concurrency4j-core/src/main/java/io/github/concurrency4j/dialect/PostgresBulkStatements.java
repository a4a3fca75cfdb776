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
import java.util.UUID;

/**
 * PostgreSQL's bulk form: one statement joining the table with {@code unnest} of one array parameter per column,
 * {@code RETURNING} the input row's key and the version of every row it wrote. The number of parameters is fixed
 * whatever the row count, so there is no parameter limit and one plan serves every chunk of the same shape.
 *
 * <p>The key array is bound twice: {@code t.key = ANY(keys)} lets the planner fetch only those rows by the key's
 * index (measured: without it PostgreSQL 15 hash-joins a 100,000-row table by scanning all of it, 50 ms for 1,000
 * rows instead of 6). That array is the rows found and locked in key order first ({@code ARRAY(SELECT ... ORDER BY key
 * FOR UPDATE)}, run once before the join): the join locks rows in the order its plan reads them, on a small table a
 * sequential scan in physical order, which updates keep changing, and two bulk writes over overlapping rows that lock
 * in different orders deadlock (found by BulkStormTest: 3 to 12 of 64 calls aborted at READ COMMITTED).
 *
 * <p>Values travel as {@code text[]} cast to the column's own type (by its catalog name, without a length, so that
 * a value too long for {@code varchar(n)} fails as it does in a single UPDATE instead of being cut), except
 * {@code bytea}, which travels as {@code bytea[]}. Only values whose text form PostgreSQL reads back as the driver
 * would have bound them are carried ({@link #canCarry}); the engine writes the others as a batch.
 */
final class PostgresBulkStatements implements BulkStatements {
    static final PostgresBulkStatements INSTANCE = new PostgresBulkStatements();

    /**
     * Measured on PostgreSQL 15 (BulkUpdateBenchmark): the time per row is flat from a few hundred rows up; chunks
     * of this size keep each array parameter a few hundred kilobytes at most.
     */
    private static final int MAX_ROWS = 5_000;

    private static final String BYTEA = "\"pg_catalog\".\"bytea\"";
    private static final String NUMERIC = "\"pg_catalog\".\"numeric\"";
    private static final String FLOAT8 = "\"pg_catalog\".\"float8\"";
    private static final String FLOAT4 = "\"pg_catalog\".\"float4\"";
    private static final String TIMESTAMPTZ = "\"pg_catalog\".\"timestamptz\"";

    private PostgresBulkStatements() {
    }

    @Override
    public int maxRowsPerStatement() {
        return MAX_ROWS;
    }

    /** Array columns are left out: an array of arrays is not a type. */
    @Override
    public Map<String, String> columnTypes(Connection connection, String quotedTable) throws SQLException {
        // Always quoted: a quoted name is the type itself, with no length (bare "bit" and "char" mean length 1).
        String sql = "SELECT a.attname, '\"' || replace(n.nspname, '\"', '\"\"') || '\".\"'"
                + " || replace(t.typname, '\"', '\"\"') || '\"'"
                + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND t.typcategory <> 'A'";
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

    @Override
    public boolean canCarry(Object value, String sqlType) {
        if (BYTEA.equals(sqlType) || value instanceof byte[]) {
            return BYTEA.equals(sqlType) && value instanceof byte[];
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
        if (value instanceof OffsetDateTime o) {
            // Bound as timestamptz, a timestamp column takes it in the session's zone; its text's offset is ignored.
            return TIMESTAMPTZ.equals(sqlType) && inTextRange(o.getYear());
        }
        if (value instanceof LocalDate d) {
            return inTextRange(d.getYear());
        }
        if (value instanceof LocalDateTime d) {
            return inTextRange(d.getYear());
        }
        if (value instanceof Timestamp t) {
            return inTextRange(t.toLocalDateTime().getYear());
        }
        if (value instanceof java.sql.Date d) {
            return inTextRange(d.toLocalDate().getYear());
        }
        return value instanceof String || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte || value instanceof BigInteger
                || value instanceof BigDecimal || value instanceof Boolean || value instanceof Character
                || value instanceof UUID || value instanceof LocalTime || value instanceof Enum<?>;
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
        StringBuilder unnest = new StringBuilder(" FROM unnest(");
        StringBuilder names = new StringBuilder(") AS v(k");
        unnest.append(cast("?", u.key().sqlType()));
        if (u.checked()) {
            unnest.append(", ?::int8[]");
            names.append(", e");
        }
        if (u.versionChange() == VersionChange.TIMESTAMP) {
            unnest.append(", ?::int8[]");
            names.append(", n");
        }
        List<Column> columns = u.columns();
        for (int c = 0; c < columns.size(); c++) {
            unnest.append(", ").append(BYTEA.equals(columns.get(c).sqlType()) ? "?::bytea[]"
                    : cast("?", columns.get(c).sqlType()));
            names.append(", c").append(c);
            if (u.written()[c] != null) {
                unnest.append(", ?::bool[]");
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
                        sql.append("t.").append(col.sql()).append(" IS DISTINCT FROM v.c").append(c).append(')');
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
            // Nothing to set (a trigger table, or increment disabled, and empty changes): a no-op assignment still
            // fires update triggers, as the single-row statement does.
            sql.append(u.key().sql()).append(" = t.").append(u.key().sql());
        }
        sql.append(unnest).append(names).append(") WHERE t.").append(u.key().sql()).append(" = v.k AND t.")
                .append(u.key().sql()).append(" = ANY(").append(lockedInKeyOrder(u.table(), u.key())).append(')');
        if (u.checked()) {
            sql.append(" AND t.").append(v).append(" = v.e");
        } else if (u.guardOverflow()) {
            sql.append(" AND t.").append(v).append(" < ").append(Long.MAX_VALUE);
        }
        // The input row's key (v.k), not the table's: two keys the column holds equal (numeric 1 and 1.0) join the
        // same row, PostgreSQL applies one of them, and only v.k says which.
        sql.append(" RETURNING v.k, t.").append(v);
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            Array keys = textArray(connection, arrays, u.keys());
            ps.setArray(i++, keys);
            if (u.checked()) {
                ps.setArray(i++, longArray(connection, arrays, u.expected()));
            }
            if (u.versionChange() == VersionChange.TIMESTAMP) {
                ps.setArray(i++, longArray(connection, arrays, u.now()));
            }
            for (int c = 0; c < columns.size(); c++) {
                Object[] values = u.values()[c];
                ps.setArray(i++, BYTEA.equals(columns.get(c).sqlType())
                        ? track(arrays, connection.createArrayOf("bytea", byteArrays(values)))
                        : textArray(connection, arrays, values));
                boolean[] w = u.written()[c];
                if (w != null) {
                    Boolean[] flags = new Boolean[w.length];
                    for (int r = 0; r < w.length; r++) {
                        flags[r] = w[r];
                    }
                    ps.setArray(i++, track(arrays, connection.createArrayOf("bool", flags)));
                }
            }
            ps.setArray(i, keys);
            returned(ps, written);
        } finally {
            free(arrays);
        }
    }

    @Override
    public void delete(Connection connection, Delete d, WrittenRows written) throws SQLException {
        String sql = "DELETE FROM " + d.table() + " AS t USING unnest(" + cast("?", d.key().sqlType())
                + (d.checked() ? ", ?::int8[]) AS v(k, e)" : ") AS v(k)") + " WHERE t." + d.key().sql() + " = v.k"
                + (d.checked() ? " AND t." + d.version() + " = v.e" : "")
                + " AND t." + d.key().sql() + " = ANY(" + lockedInKeyOrder(d.table(), d.key()) + ")"
                + " RETURNING v.k, t." + d.version();
        List<Array> arrays = new ArrayList<>(2);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            Array keys = textArray(connection, arrays, d.keys());
            ps.setArray(1, keys);
            if (d.checked()) {
                ps.setArray(2, longArray(connection, arrays, d.expected()));
            }
            ps.setArray(d.checked() ? 3 : 2, keys);
            returned(ps, written);
        } finally {
            free(arrays);
        }
    }

    /**
     * The keys, as an array of the rows found, each locked in key order before the statement writes any: the join
     * itself locks rows in whatever order its plan reads them (a sequential scan: the physical order, which updates
     * keep changing), and two bulk writes over overlapping rows locking in different orders deadlock.
     */
    private static String lockedInKeyOrder(String table, Column key) {
        return "ARRAY(SELECT l." + key.sql() + " FROM " + table + " AS l WHERE l." + key.sql() + " = ANY("
                + cast("?", key.sqlType()) + ") ORDER BY l." + key.sql() + " FOR UPDATE)";
    }

    private static String cast(String parameter, String sqlType) {
        return parameter + "::text[]::" + sqlType + "[]";
    }

    private static void returned(PreparedStatement ps, WrittenRows written) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                written.row(rs.getObject(1), rs.getLong(2));
            }
        }
    }

    private static Array textArray(Connection c, List<Array> arrays, Object[] values) throws SQLException {
        String[] texts = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            texts[i] = text(values[i]);
        }
        return track(arrays, c.createArrayOf("text", texts));
    }

    private static Array longArray(Connection c, List<Array> arrays, long[] values) throws SQLException {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return track(arrays, c.createArrayOf("int8", boxed));
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
