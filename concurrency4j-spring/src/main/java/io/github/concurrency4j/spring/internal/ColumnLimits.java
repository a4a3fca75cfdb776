package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.spring.web.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * What a table's columns accept, read once per table from {@link DatabaseMetaData} (type, length, precision,
 * nullability), so that a REST value the column cannot hold is refused with a 400 naming the field and its limit
 * before the database refuses it with an error that would show SQL. Column names are kept in lower case, as the
 * engine matches them.
 */
public final class ColumnLimits {
    /** A decimal number as text, bounded in length so that parsing it is cheap whatever the client sends. */
    private static final Pattern DECIMAL_TEXT = Pattern.compile("[+-]?\\d{1,64}(\\.\\d{1,64})?");

    /** One column as the database describes it. */
    public record ColumnInfo(String name, int jdbcType, String typeName, int size, int decimalDigits,
                             boolean nullable) {
    }

    private final DataSource dataSource;
    private final Map<String, Map<String, ColumnInfo>> tables = new ConcurrentHashMap<>();

    public ColumnLimits(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The table's columns by lower-case name; empty when the database describes no such table. */
    public Map<String, ColumnInfo> columns(String table) {
        Map<String, ColumnInfo> cached = tables.get(table);
        if (cached != null) {
            return cached;
        }
        Map<String, ColumnInfo> read = read(table);
        if (!read.isEmpty()) {
            tables.put(table, read);
        }
        return read;
    }

    private Map<String, ColumnInfo> read(String table) {
        // The request's connection when it is in a transaction: never a second one (see JpaVersions).
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            DatabaseMetaData meta = c.getMetaData();
            String catalog = c.getCatalog();
            String schema = schema(c);
            for (String name : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
                Map<String, ColumnInfo> columns = new LinkedHashMap<>();
                try (ResultSet rs = meta.getColumns(catalog, schema, name, null)) {
                    while (rs.next()) {
                        String column = rs.getString("COLUMN_NAME");
                        columns.put(column.toLowerCase(Locale.ROOT), new ColumnInfo(column.toLowerCase(Locale.ROOT),
                                rs.getInt("DATA_TYPE"), String.valueOf(rs.getString("TYPE_NAME")),
                                rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"),
                                rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
                    }
                }
                if (!columns.isEmpty()) {
                    return Map.copyOf(columns);
                }
            }
            return Map.of();
        } catch (SQLException e) {
            // Limits are a courtesy: without them the database still refuses a bad value (answered without SQL).
            return Map.of();
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /**
     * The first submitted field that its column cannot hold (too long, out of range, not a number...), as the 400 to
     * answer; {@code null} when none is found. Used after the database refused a form's write with a data exception,
     * to name the field and its limit instead of showing the database's message.
     */
    public InvalidRequestException firstRefused(String table, Map<String, String[]> parameters) {
        Map<String, ColumnInfo> columns = columns(table);
        for (Map.Entry<String, String[]> p : parameters.entrySet()) {
            ColumnInfo column = columns.get(p.getKey().toLowerCase(Locale.ROOT));
            if (column == null) {
                continue;
            }
            for (String value : p.getValue()) {
                try {
                    check(p.getKey(), column, value);
                } catch (InvalidRequestException refused) {
                    return refused;
                }
            }
        }
        return null;
    }

    private static String schema(Connection c) {
        try {
            return c.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            return null;
        }
    }

    /**
     * The value converted to what the column holds, or a 400 naming the field: text longer than the column, a number
     * out of the column's range or with more digits before the point than it has, text where a number, boolean or
     * date belongs, a nested object or list, {@code null} for a NOT NULL column.
     */
    public static Object check(String field, ColumnInfo column, Object value) {
        if (value == null) {
            if (!column.nullable()) {
                throw new InvalidRequestException(field, null, "'" + field + "' must not be null. Nothing was "
                        + "written.");
            }
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
            throw new InvalidRequestException(field, null, "'" + field + "' must be a single value, not an object "
                    + "or a list. Nothing was written.");
        }
        return switch (column.jdbcType()) {
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB, Types.NCLOB -> text(field, column, value);
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> whole(field, column, value);
            case Types.DECIMAL, Types.NUMERIC -> decimal(field, column, value);
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> floating(field, value);
            case Types.BOOLEAN, Types.BIT -> bool(field, column, value);
            case Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> temporal(field, column,
                    value);
            default -> value;
        };
    }

    private static Object text(String field, ColumnInfo column, Object value) {
        if (!(value instanceof String s)) {
            throw new InvalidRequestException(field, null, "'" + field + "' must be text (a JSON string). Nothing "
                    + "was written.");
        }
        int length = s.codePointCount(0, s.length());
        if (column.size() > 0 && length > column.size()) {
            throw new InvalidRequestException(field, column.size(), "'" + field + "' is at most " + column.size()
                    + " characters long, but was " + length + ". Nothing was written.");
        }
        return s;
    }

    private static Object whole(String field, ColumnInfo column, Object value) {
        BigDecimal number = number(field, value);
        BigInteger whole;
        try {
            whole = number.toBigIntegerExact();
        } catch (ArithmeticException fraction) {
            throw new InvalidRequestException(field, null, "'" + field + "' must be a whole number. Nothing was "
                    + "written.");
        }
        boolean unsigned = column.typeName().toUpperCase(Locale.ROOT).contains("UNSIGNED");
        int bits = switch (column.jdbcType()) {
            case Types.TINYINT -> 8;
            case Types.SMALLINT -> 16;
            case Types.INTEGER -> 32;
            default -> 64;
        };
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        if (whole.compareTo(min) < 0 || whole.compareTo(max) > 0) {
            String range = min + " to " + max;
            throw new InvalidRequestException(field, range, "'" + field + "' must be a whole number from " + range
                    + ". Nothing was written.");
        }
        return whole.bitLength() < 64 ? (Object) whole.longValueExact() : whole;
    }

    private static Object decimal(String field, ColumnInfo column, Object value) {
        BigDecimal number = number(field, value);
        int integerDigitsAllowed = column.size() - Math.max(column.decimalDigits(), 0);
        // precision - scale: the digits before the point, computed without expanding the number (1e300000 is cheap).
        long integerDigits = (long) number.precision() - number.scale();
        if (column.size() > 0 && integerDigits > integerDigitsAllowed) {
            throw new InvalidRequestException(field, integerDigitsAllowed, "'" + field + "' has at most "
                    + integerDigitsAllowed + " digits before the decimal point. Nothing was written.");
        }
        if (number.scale() > 1000 || number.scale() < -1000) {
            throw new InvalidRequestException(field, null, "'" + field + "' has too many decimal places. Nothing "
                    + "was written.");
        }
        return number;
    }

    private static Object floating(String field, Object value) {
        BigDecimal number = number(field, value);
        double d = number.doubleValue();
        if (Double.isInfinite(d)) {
            throw new InvalidRequestException(field, null, "'" + field + "' is out of range. Nothing was written.");
        }
        return d;
    }

    private static BigDecimal number(String field, Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (value instanceof BigDecimal b) {
            return b;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isInfinite(d) || Double.isNaN(d)) {
                throw new InvalidRequestException(field, null, "'" + field + "' is out of range. Nothing was "
                        + "written.");
            }
            return BigDecimal.valueOf(d);
        }
        if (value instanceof String s && DECIMAL_TEXT.matcher(s.trim()).matches()) {
            return new BigDecimal(s.trim());
        }
        throw new InvalidRequestException(field, null, "'" + field + "' must be a number such as 12 or 12.50. "
                + "Nothing was written.");
    }

    private static Object bool(String field, ColumnInfo column, Object value) {
        if (value instanceof Boolean) {
            return value;
        }
        if (column.jdbcType() == Types.BIT && column.size() > 1) {
            return value;
        }
        throw new InvalidRequestException(field, null, "'" + field + "' must be true or false. Nothing was "
                + "written.");
    }

    private static Object temporal(String field, ColumnInfo column, Object value) {
        if (!(value instanceof String s)) {
            throw new InvalidRequestException(field, null, "'" + field + "' must be a date or time as ISO 8601 text. "
                    + "Nothing was written.");
        }
        try {
            return switch (column.jdbcType()) {
                case Types.DATE -> LocalDate.parse(s);
                case Types.TIME -> LocalTime.parse(s);
                case Types.TIMESTAMP_WITH_TIMEZONE -> OffsetDateTime.parse(s);
                default -> LocalDateTime.parse(s);
            };
        } catch (DateTimeParseException e) {
            String example = switch (column.jdbcType()) {
                case Types.DATE -> "2024-05-31";
                case Types.TIME -> "14:30:00";
                case Types.TIMESTAMP_WITH_TIMEZONE -> "2024-05-31T14:30:00Z";
                default -> "2024-05-31T14:30:00";
            };
            throw new InvalidRequestException(field, null, "'" + field + "' must be written like " + example
                    + ". Nothing was written.");
        }
    }
}
