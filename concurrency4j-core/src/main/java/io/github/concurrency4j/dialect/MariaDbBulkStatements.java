package io.github.concurrency4j.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * MariaDB's bulk form: one multi-table statement joining the table with the rows as a table value constructor,
 * {@code UPDATE (WITH v (...) AS (VALUES (...), ...) SELECT * FROM v) AS v STRAIGHT_JOIN t FORCE INDEX (key) ON ...}
 * (and the same {@code DELETE t FROM ...}). MariaDB has no {@code UPDATE ... RETURNING}, so the evidence is the
 * statement's count, and where that leaves rows open, the statement's own list of the rows it matched:
 *
 * <ul>
 *   <li>Every key is unique in the call and in the table (the join goes through a unique index on the key alone), so
 *       each row of the constructor matches at most one row of the table: a count equal to the number of rows proves
 *       that every row was written by this statement. Connector/J's default count is the rows matched; with
 *       {@code useAffectedRows=true} it is the rows changed, which is never more, so the proof holds there too.</li>
 *   <li>A smaller count says some rows did not match, not which: another writer may have moved a row to the very
 *       version this statement would have written, so no read of the rows can tell. The statement lists them
 *       itself: the version's assignment (for a delete, a condition that is always true) appends the row's position
 *       to {@link #WRITTEN}, and MariaDB evaluates it once for each row matched, on the row as the statement holds it
 *       locked. One query reads the list, which proves something only under this statement's mark, with positions
 *       of the chunk each named once, as many as the count ({@link #matched}); otherwise nothing of the answer is
 *       trusted and the engine undoes the call. Refused rows were never written: nothing is undone or run again,
 *       and no savepoint is needed.</li>
 *   <li>A new version the engine cannot compute (conditional, unchecked) is read back with one locking
 *       read of the written rows, which this transaction holds locked.</li>
 * </ul>
 *
 * <p>{@code STRAIGHT_JOIN} and {@code FORCE INDEX} keep the plan to one index lookup per row: on a small table the
 * optimizer otherwise scans it, and an InnoDB scan in an UPDATE locks every row it reads (measured on 10.11: a
 * four-row table, a bulk update of three rows waited for the lock another transaction held on the fourth). The
 * form is therefore used only for a key column that alone makes up a unique index; {@link #columnTypes} names that
 * index in the key column's type, and tables without one are written as a batch.
 *
 * <p>Values are bound as usual; Connector/J sends them as literals. A VALUES column takes the type that its values
 * have together, so a column carries only values of one family (numbers into numeric columns, text into text
 * columns, and so on, see {@link #canCarry}): a mix could turn a number into text or a double before it is compared
 * or stored. Measured (BulkStatementFormsBenchmark, 1,000 rows, loaded 2-core machine): 14.5 ms against 37.3 ms for
 * the batch, ratio 0.36 [0.27, 0.48] within interleaved rounds.
 */
final class MariaDbBulkStatements implements BulkStatements {
    static final MariaDbBulkStatements INSTANCE = new MariaDbBulkStatements();

    /** The size measured against the batch; larger calls run one statement per 1,000 rows. */
    private static final int MAX_ROWS = 1_000;
    /** MariaDB's limit of placeholders in one prepared statement. */
    private static final int MAX_PARAMETERS = 65_535;
    /**
     * Connector/J sends the values inside the statement's text, which must fit {@code max_allowed_packet} (16 MiB
     * by default on MariaDB 10.2 and later): a chunk whose values are larger than this estimate is split.
     */
    private static final long MAX_STATEMENT_BYTES = 4L << 20;
    /** Marks, in a column's type, the unique index on that column alone: {@code bigint index `PRIMARY`}. */
    private static final String INDEX = " index ";
    /** The session variable in which a statement lists the rows it matched, after its {@link #tag()}. */
    private static final String WRITTEN = "@concurrency4j_written";

    private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "integer",
            "bigint", "decimal", "numeric");
    private static final Set<String> FLOATS = Set.of("double", "float", "real");
    private static final Set<String> TEXTS = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext",
            "enum", "set");
    /** A {@code COLUMN_TYPE} of a fixed-point number: {@code decimal(30,1)}, {@code decimal(10,2) unsigned}. */
    private static final Pattern DECIMAL = Pattern.compile(
            "decimal\\(\\d+,\\d+\\)( unsigned)?( zerofill)?");
    private static final Set<String> BINARIES = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob",
            "longblob");

    private MariaDbBulkStatements() {
    }

    @Override
    public int maxRowsPerStatement() {
        return MAX_ROWS;
    }

    /**
     * Each column's {@code DATA_TYPE}; for a column that alone makes up a unique index (the primary key first),
     * followed by {@code " index "} and that index's quoted name, which the statement forces.
     */
    @Override
    public Map<String, String> columnTypes(Connection connection, String quotedTable) throws SQLException {
        String table = unquote(quotedTable);
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT MIN(COLUMN_NAME), INDEX_NAME FROM"
                + " information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
                + " AND NON_UNIQUE = 0 GROUP BY INDEX_NAME HAVING COUNT(*) = 1"
                + " ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = types.get(rs.getString(1));
                    if (type != null && !type.contains(INDEX)) {
                        types.put(rs.getString(1), type + INDEX + MariaDbDialect.INSTANCE.quote(rs.getString(2)));
                    }
                }
            }
        }
        return types;
    }

    private static String unquote(String quoted) {
        if (quoted.length() >= 2 && quoted.charAt(0) == '`' && quoted.charAt(quoted.length() - 1) == '`') {
            return quoted.substring(1, quoted.length() - 1).replace("``", "`");
        }
        return quoted;
    }

    /**
     * A condition true when a column's value differs from another value as stored, NULL equal to NULL: text byte for
     * byte, since MariaDB's default collations take "apple" and "Apple " for the same (case, PAD SPACE), and a
     * conditional version must rise when a tracked value changes so. A column whose character set is not the
     * connection's may then count an unchanged value as changed: one bump too many, never one too few. A
     * {@code CHAR(n)} column drops trailing blanks, as it reads them back: {@code 'ab '} over {@code 'ab'} is no
     * change there (it was a bump, and a false conflict for the next writer: ConditionalValueAttackTest). A
     * {@code DECIMAL(p,s)} column is compared with the value cast to its own type: against a {@code DOUBLE} MariaDB
     * compares as doubles, which took 12345678901234567000.0 for 12345678901234567890.5, so a write that changed
     * the stored number left the version where it was.
     *
     * @param sqlType the column's type as {@link #columnTypes} named it, or {@code null} where unknown
     * @param storedType the column's {@code COLUMN_TYPE} ({@link MariaDbDialect#storedTypes}), or {@code null}
     */
    static String distinct(String column, String value, String sqlType, String storedType) {
        if (storedType != null && DECIMAL.matcher(storedType).matches()) {
            String type = storedType.substring(0, storedType.indexOf(')') + 1);
            return "NOT (" + column + " <=> CAST(" + value + " AS " + type + "))";
        }
        if (sqlType != null && "char".equals(baseType(sqlType))) {
            return "NOT (BINARY " + column + " <=> BINARY TRIM(TRAILING ' ' FROM " + value + "))";
        }
        if (sqlType != null && TEXTS.contains(baseType(sqlType))) {
            return "NOT (BINARY " + column + " <=> BINARY " + value + ")";
        }
        return "NOT (" + column + " <=> " + value + ")";
    }

    private static String baseType(String sqlType) {
        int i = sqlType.indexOf(INDEX);
        return i < 0 ? sqlType : sqlType.substring(0, i);
    }

    /** The forced index of a key column, or {@code null} when no unique index has that column alone. */
    private static String keyIndex(String sqlType) {
        int i = sqlType == null ? -1 : sqlType.indexOf(INDEX);
        return i < 0 ? null : sqlType.substring(i + INDEX.length());
    }

    /** Only a key column that alone makes up a unique index: the statement forces that index. */
    @Override
    public boolean canFindRowsBy(String keySqlType) {
        return keyIndex(keySqlType) != null;
    }

    /**
     * Values of the column's family only, so that a VALUES column never mixes families: whole numbers and decimals
     * into integer and decimal columns, those and floating point into floating-point columns, text into text
     * columns, bytes into binary columns, and the matching {@code java.time} or {@code java.sql} type into a date,
     * time or timestamp column. Anything else (JSON, spatial types, a number into a text column) goes as a batch.
     * The key column carries values only when a unique index has it alone.
     */
    @Override
    public boolean canCarry(Object value, String sqlType) {
        String type = baseType(sqlType);
        boolean whole = value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal;
        if (INTEGERS.contains(type)) {
            return whole || (value instanceof Boolean && !"decimal".equals(type) && !"numeric".equals(type));
        }
        if (FLOATS.contains(type)) {
            return whole || value instanceof Double || value instanceof Float;
        }
        if (TEXTS.contains(type)) {
            return value instanceof String || value instanceof Character || value instanceof Enum<?>;
        }
        if (BINARIES.contains(type)) {
            return value instanceof byte[];
        }
        switch (type) {
            case "date":
                return value instanceof LocalDate || value instanceof java.sql.Date;
            case "datetime":
            case "timestamp":
                return value instanceof LocalDateTime || value instanceof Timestamp;
            case "time":
                return value instanceof LocalTime || value instanceof java.sql.Time;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- update

    @Override
    public void update(Connection connection, Update u, WrittenRows written) throws SQLException {
        String index = keyIndex(u.key().sqlType());
        if (index == null) {
            throw new SQLException("The key column " + u.key().sql() + " of " + u.table() + " has no unique index of "
                    + "its own, so MariaDB's bulk form cannot carry it");
        }
        int perRow = 2 + (u.checked() ? 1 : 0) + (u.versionChange() == VersionChange.TIMESTAMP ? 1 : 0);
        for (int c = 0; c < u.columns().size(); c++) {
            perRow += u.written()[c] == null ? 1 : 2;
        }
        int n = u.keys().length;
        int from = 0;
        while (from < n) {
            int to = from + 1;
            long bytes = rowBytes(u, from);
            while (to < n && (to - from + 1) * perRow <= MAX_PARAMETERS
                    && bytes + rowBytes(u, to) <= MAX_STATEMENT_BYTES) {
                bytes += rowBytes(u, to);
                to++;
            }
            int[] rows = new int[to - from];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = from + r;
            }
            updateRows(connection, u, index, rows, written);
            from = to;
        }
    }

    private void updateRows(Connection connection, Update u, String index, int[] rows, WrittenRows written)
            throws SQLException {
        String tag = tag();
        int count = runUpdate(connection, u, index, rows, tag);
        // A bumped version always moves, so the count is the rows matched even with useAffectedRows=true; otherwise
        // a matched row the write left as it was may count 0 there, and only the statement's own list tells.
        boolean countIsMatched = u.versionChange() == VersionChange.INCREMENT
                || u.versionChange() == VersionChange.TIMESTAMP;
        if (count == rows.length || (count == 0 && countIsMatched)) {
            // Every row matched (a count never exceeds the rows matched, each key matching at most one row), or none.
            handBack(connection, u, index, count == 0 ? new int[0] : rows, written);
            return;
        }
        int[] matched = matched(readWritten(connection), tag, rows, count, countIsMatched);
        if (matched == null) {
            unproven(written);
            return;
        }
        handBack(connection, u, index, matched, written);
    }

    /**
     * A fresh mark for one statement's list of matched rows: the list a statement starts under another mark (an
     * earlier statement's, on a pooled connection) is discarded, so it names only this statement's rows.
     */
    private static String tag() {
        return "c4j:" + String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong());
    }

    /**
     * The expression that appends row {@code v.i} to the list in {@link #WRITTEN}, evaluated by MariaDB once for each
     * row the statement matched (on the row it holds locked) and for no other row: multiplied by 0 it adds nothing.
     */
    private static String recordMatch(String tag) {
        return "0 * LENGTH(" + WRITTEN + " := CONCAT(IF(LEFT(" + WRITTEN + ", " + tag.length() + ") = '" + tag
                + "', " + WRITTEN + ", '" + tag + "'), ',', v.i))";
    }

    private static String readWritten(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + WRITTEN);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * The rows (positions in the chunk's arrays) that a statement's list names, or {@code null} when the list proves
     * nothing: another statement's mark, a position outside the chunk or named twice, or fewer rows than the count
     * (or, where the count is the rows matched, a different number).
     */
    private static int[] matched(String list, String tag, int[] rows, int count, boolean exact) {
        if (list == null || !list.startsWith(tag)) {
            return count == 0 ? new int[0] : null;
        }
        BitSet inChunk = new BitSet();
        for (int r : rows) {
            inChunk.set(r);
        }
        BitSet seen = new BitSet();
        String[] parts = list.substring(tag.length()).split(",", -1);
        // The list starts with a comma: parts[0] is empty.
        if (parts.length == 0 || !parts[0].isEmpty()) {
            return null;
        }
        int[] matched = new int[parts.length - 1];
        for (int p = 1; p < parts.length; p++) {
            int r;
            try {
                r = Integer.parseInt(parts[p]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (r < 0 || !inChunk.get(r) || seen.get(r)) {
                return null;
            }
            seen.set(r);
            matched[p - 1] = r;
        }
        if (exact ? matched.length != count : matched.length < count) {
            return null;
        }
        Arrays.sort(matched);
        return matched;
    }

    /** Hands back a position that is none of the chunk's: the engine then trusts nothing of this answer. */
    private static void unproven(WrittenRows written) throws SQLException {
        written.row(-1, 0L);
    }

    /** The rows a statement wrote, with their versions: computed where the engine knows them, else read locked. */
    private static void handBack(Connection connection, Update u, String index, int[] rows, WrittenRows written)
            throws SQLException {
        if (rows.length == 0) {
            return;
        }
        boolean known = u.checked() && (u.versionChange() == VersionChange.INCREMENT
                || u.versionChange() == VersionChange.TIMESTAMP);
        if (known) {
            for (int r : rows) {
                long next = u.expected()[r] + 1;
                written.row(r, u.versionChange() == VersionChange.TIMESTAMP ? Math.max(next, u.now()[r]) : next);
            }
            return;
        }
        // This transaction holds every written row locked: what a locking read sees is what it wrote.
        Map<Object, Integer> positions = new HashMap<>(rows.length * 2);
        for (int r : rows) {
            positions.put(normalized(u.keys()[r]), r);
        }
        // A key that is none of these rows' (it cannot be, read by their keys) is handed on as position -1: the
        // engine then trusts nothing of this answer.
        select(connection, u.table(), u.key(), u.version(), index, u.keys(), rows,
                (key, version) -> written.row(positions.getOrDefault(normalized(key), -1), version));
    }

    private static int runUpdate(Connection connection, Update u, String index, int[] rows, String tag)
            throws SQLException {
        List<Column> columns = u.columns();
        StringBuilder names = new StringBuilder("i, k");
        if (u.checked()) {
            names.append(", e");
        }
        boolean timestamp = u.versionChange() == VersionChange.TIMESTAMP;
        if (timestamp) {
            names.append(", n");
        }
        for (int c = 0; c < columns.size(); c++) {
            names.append(", c").append(c);
            if (u.written()[c] != null) {
                names.append(", w").append(c);
            }
        }
        String k = u.key().sql();
        String v = u.version();
        StringBuilder sql = new StringBuilder(128 + rows.length * 4 * (names.length() / 3 + 1))
                .append("UPDATE ").append(values(names, rows.length))
                .append(" STRAIGHT_JOIN ").append(u.table()).append(" AS t FORCE INDEX (").append(index)
                .append(") ON t.").append(k).append(" = v.k");
        if (u.checked()) {
            sql.append(" AND t.").append(v).append(" = v.e");
        } else if (u.guardOverflow()) {
            sql.append(" AND t.").append(v).append(" < ").append(Long.MAX_VALUE);
        }
        // The version first: where MariaDB assigns left to right, it must still see the old values. It also carries
        // the list of matched rows; where the version is kept (increment disabled) it is assigned
        // its own value, which also fires update triggers when nothing else is set, as the single-row statement does.
        String bump = versionAssignment(u);
        sql.append(" SET t.").append(v).append(" = ").append(bump == null ? "t." + v : bump).append(" + ")
                .append(recordMatch(tag));
        for (int c = 0; c < columns.size(); c++) {
            String col = columns.get(c).sql();
            sql.append(", t.").append(col).append(" = ");
            if (u.written()[c] == null) {
                sql.append("v.c").append(c);
            } else {
                sql.append("IF(v.w").append(c).append(", v.c").append(c).append(", t.").append(col).append(')');
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            for (int r : rows) {
                ps.setInt(i++, r);
                bind(ps, i++, u.keys()[r]);
                if (u.checked()) {
                    ps.setLong(i++, u.expected()[r]);
                }
                if (timestamp) {
                    ps.setLong(i++, u.now()[r]);
                }
                for (int c = 0; c < columns.size(); c++) {
                    bind(ps, i++, u.values()[c][r]);
                    if (u.written()[c] != null) {
                        ps.setBoolean(i++, u.written()[c][r]);
                    }
                }
            }
            return ps.executeUpdate();
        }
    }

    private static String versionAssignment(Update u) {
        String v = "t." + u.version();
        switch (u.versionChange()) {
            case INCREMENT:
                return v + " + 1";
            case TIMESTAMP:
                return "GREATEST(" + v + " + 1, v.n)";
            case CONDITIONAL: {
                StringBuilder cond = new StringBuilder();
                for (int c = 0; c < u.columns().size(); c++) {
                    Column col = u.columns().get(c);
                    if (!col.tracked()) {
                        continue;
                    }
                    cond.append(cond.length() == 0 ? "" : " OR ").append('(');
                    if (u.written()[c] != null) {
                        cond.append("v.w").append(c).append(" AND ");
                    }
                    cond.append(distinct("t." + col.sql(), "v.c" + c, col.sqlType(), col.storedType())).append(')');
                }
                return cond.length() == 0 ? null : "CASE WHEN " + cond + " THEN " + v + " + 1 ELSE " + v + " END";
            }
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- delete

    @Override
    public void delete(Connection connection, Delete d, WrittenRows written) throws SQLException {
        String index = keyIndex(d.key().sqlType());
        if (index == null) {
            throw new SQLException("The key column " + d.key().sql() + " of " + d.table() + " has no unique index of "
                    + "its own, so MariaDB's bulk form cannot carry it");
        }
        int chunk = MAX_PARAMETERS / (d.checked() ? 3 : 2);
        int n = d.keys().length;
        for (int from = 0; from < n; from += chunk) {
            int[] rows = new int[Math.min(n, from + chunk) - from];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = from + r;
            }
            deleteRows(connection, d, index, rows, written);
        }
    }

    private void deleteRows(Connection connection, Delete d, String index, int[] rows, WrittenRows written)
            throws SQLException {
        String tag = tag();
        int count = runDelete(connection, d, index, rows, tag);
        int[] deleted = rows;
        if (count == 0) {
            deleted = new int[0];
        } else if (count != rows.length) {
            // A delete counts the rows it deleted, whatever the driver's settings: the list must name exactly those.
            deleted = matched(readWritten(connection), tag, rows, count, true);
            if (deleted == null) {
                unproven(written);
                return;
            }
        }
        for (int r : deleted) {
            written.row(r, d.checked() ? d.expected()[r] : 0L);
        }
    }

    private static int runDelete(Connection connection, Delete d, String index, int[] rows, String tag)
            throws SQLException {
        String k = d.key().sql();
        String match = "t." + k + " = v.k" + (d.checked() ? " AND t." + d.version() + " = v.e" : "");
        String sameMatch = "t." + k + " <=> v.k" + (d.checked() ? " AND t." + d.version() + " <=> v.e" : "");
        // A DELETE has no SET to carry the list: a condition that is always true does, and appends the row only when
        // it matches the delete's own condition (on the row as the delete reads it, locked). The optimizer orders
        // and places conditions as it likes (measured: one on v alone is evaluated for every row of v), so the
        // condition repeats the match instead of relying on an order.
        String sql = "DELETE t FROM " + values(new StringBuilder(d.checked() ? "i, k, e" : "i, k"), rows.length)
                + " STRAIGHT_JOIN " + d.table() + " AS t FORCE INDEX (" + index + ") ON " + match
                + " AND (NOT (" + sameMatch + ") OR " + recordMatch(tag) + " = 0)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            for (int r : rows) {
                ps.setInt(i++, r);
                bind(ps, i++, d.keys()[r]);
                if (d.checked()) {
                    ps.setLong(i++, d.expected()[r]);
                }
            }
            return ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- shared

    /**
     * The rows as a derived table {@code v} with the given column names. MariaDB 10.11 names the columns of a bare
     * {@code VALUES} table after its first row (two placeholders clash), and takes no column list after its alias; a
     * CTE names them.
     */
    private static String values(CharSequence names, int rows) {
        int columns = 1;
        for (int i = 0; i < names.length(); i++) {
            if (names.charAt(i) == ',') {
                columns++;
            }
        }
        StringBuilder row = new StringBuilder(columns * 3).append('(');
        for (int c = 0; c < columns; c++) {
            row.append(c == 0 ? "?" : ", ?");
        }
        row.append(')');
        StringBuilder sql = new StringBuilder(40 + rows * (row.length() + 2)).append("(WITH v (").append(names)
                .append(") AS (VALUES ");
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "" : ", ").append(row);
        }
        // The assignment is never read: prepared before the outer statement, it makes the list variable exist there.
        // MariaDB binds a variable that does not exist yet as a constant NULL, and every row's append would then
        // start the list afresh (measured: a session's first statement listed only its last row).
        return sql.append(") SELECT v.*, ").append(WRITTEN).append(" := NULL AS reset FROM v) AS v").toString();
    }

    @FunctionalInterface
    private interface VersionReader {
        void row(Object key, long version) throws SQLException;
    }

    /**
     * One locking read of the rows' keys and versions, in key order, through the key's index: without it a small
     * table is scanned and every row of it locked.
     */
    private static void select(Connection connection, String table, Column key, String version, String index,
                               Object[] keys, int[] rows, VersionReader reader) throws SQLException {
        StringBuilder sql = new StringBuilder(64 + rows.length * 3).append("SELECT ").append(key.sql()).append(", ")
                .append(version).append(" FROM ").append(table).append(" FORCE INDEX (").append(index)
                .append(") WHERE ").append(key.sql()).append(" IN (");
        for (int r = 0; r < rows.length; r++) {
            sql.append(r == 0 ? "?" : ", ?");
        }
        sql.append(") ORDER BY ").append(key.sql()).append(" FOR UPDATE");
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int r = 0; r < rows.length; r++) {
                bind(ps, r + 1, keys[rows[r]]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.row(rs.getObject(1), rs.getLong(2));
                }
            }
        }
    }

    /** A key as the driver reads it back and as the engine hands it over compare equal after this. */
    private static Object normalized(Object key) {
        if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return ((Number) key).longValue();
        }
        if (key instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (key instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException notWhole) {
                return d.stripTrailingZeros();
            }
        }
        if (key instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        return key;
    }

    /** As the engine binds a value: {@code null} as NULL, an enum as its name. */
    private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else if (value instanceof Enum<?> e) {
            ps.setString(index, e.name());
        } else {
            ps.setObject(index, value);
        }
    }

    /** What one row's values add to the statement's text, roughly and from above. */
    private static long rowBytes(Update u, int row) {
        long bytes = 64;
        for (Object[] column : u.values()) {
            Object value = column[row];
            if (value instanceof CharSequence s) {
                bytes += 4L * s.length() + 4;
            } else if (value instanceof byte[] b) {
                bytes += 2L * b.length + 4;
            } else {
                bytes += 32;
            }
        }
        return bytes;
    }
}
