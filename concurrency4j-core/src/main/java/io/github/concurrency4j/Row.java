package io.github.concurrency4j;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a versioned table as it was read: its key, its version and every column's value.
 *
 * <p>Column names are the table's own, in lower case where the database folds unquoted names to upper case (H2);
 * {@link #get(String)} finds a column whatever the case of the name given.
 */
public final class Row {
    private final Object key;
    private final long version;
    private final Map<String, Object> values;

    /**
     * @param key the key value
     * @param version the version
     * @param values every column's value by column name, in table order
     */
    public Row(Object key, long version, Map<String, ?> values) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The row's key value. */
    public Object key() {
        return key;
    }

    /** The row's version when it was read: pass it back as the expected version of a write. */
    public long version() {
        return version;
    }

    /** The row as (key, version): what a form or a bulk selection carries. */
    public Identity identity() {
        return new Identity(key, version);
    }

    /** Every column's value by column name, key and version included, in table order. */
    public Map<String, Object> values() {
        return values;
    }

    /**
     * The value of one column.
     *
     * @throws IllegalArgumentException if the table has no such column
     */
    public Object get(String column) {
        if (values.containsKey(column)) {
            return values.get(column);
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("No column '" + column + "' in this row; columns: " + values.keySet());
    }

    /**
     * The value of a whole-number column as a {@code Long}, whatever type the driver returned ({@code Integer} on
     * SQLite, {@code BigDecimal} for a NUMERIC column, ...); {@code null} for SQL NULL.
     *
     * @throws IllegalArgumentException if the table has no such column, or its value is not a whole number that
     *     fits a {@code long}
     */
    public Long getLong(String column) {
        Object v = get(column);
        if (v == null) {
            return null;
        }
        try {
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                return ((Number) v).longValue();
            }
            if (v instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof Boolean b) {
                return b ? 1L : 0L;
            }
            return toBigDecimal(column, v).longValueExact();
        } catch (ArithmeticException e) {
            throw notA(column, v, "whole number that fits a long");
        }
    }

    /**
     * The value of a whole-number column as an {@code Integer}; {@code null} for SQL NULL.
     *
     * @throws IllegalArgumentException if the table has no such column, or its value is not a whole number that
     *     fits an {@code int}
     */
    public Integer getInt(String column) {
        Long v = getLong(column);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw notA(column, v, "whole number that fits an int");
        }
        return v.intValue();
    }

    /**
     * The value of a numeric column as a {@code BigDecimal}: exact for integer and decimal types; a floating-point
     * value (SQLite stores NUMERIC as REAL) by its shortest decimal form. {@code null} for SQL NULL.
     *
     * @throws IllegalArgumentException if the table has no such column, or its value is not a number
     */
    public BigDecimal getBigDecimal(String column) {
        Object v = get(column);
        return v == null ? null : toBigDecimal(column, v);
    }

    /**
     * The value of a text column as a {@code String} (a CLOB is read whole); {@code null} for SQL NULL.
     *
     * @throws IllegalArgumentException if the table has no such column, or its value is not text
     */
    public String getString(String column) {
        Object v = get(column);
        if (v == null) {
            return null;
        }
        if (v instanceof CharSequence || v instanceof Character || v instanceof java.util.UUID) {
            return v.toString();
        }
        if (v instanceof Clob clob) {
            try {
                long length = clob.length();
                if (length > Integer.MAX_VALUE) {
                    throw notA(column, "a CLOB of " + length + " characters", "text that fits a String");
                }
                return clob.getSubString(1, (int) length);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read the text of column '" + column + "': "
                        + e.getMessage() + ". Read it while the connection is open, or select it as VARCHAR.", e);
            }
        }
        throw notA(column, v, "text");
    }

    /**
     * The value of a boolean column as a {@code Boolean}; a number 0 or 1 (SQLite and MariaDB store booleans as
     * integers) as {@code false} or {@code true}. {@code null} for SQL NULL.
     *
     * @throws IllegalArgumentException if the table has no such column, or its value is neither a boolean nor 0 or 1
     */
    public Boolean getBoolean(String column) {
        Object v = get(column);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
            return n.doubleValue() == 1;
        }
        throw notA(column, v, "boolean");
    }

    /**
     * The value of a timestamp column as an {@code Instant}: from {@code TIMESTAMP WITH TIME ZONE}
     * ({@code OffsetDateTime}), {@code java.sql.Timestamp} (read by the driver in the JVM's time zone) or
     * {@code Instant}; {@code null} for SQL NULL.
     *
     * @throws IllegalArgumentException if the table has no such column, or its value is not a point in time (a
     *     {@code LocalDateTime} has no time zone: read it with {@link #get(String)})
     */
    public Instant getInstant(String column) {
        Object v = get(column);
        if (v == null || v instanceof Instant) {
            return (Instant) v;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (v instanceof java.util.Date d) {
            // java.sql.Timestamp keeps its nanoseconds in its own toInstant().
            return d.toInstant();
        }
        throw notA(column, v, "point in time");
    }

    private BigDecimal toBigDecimal(String column, Object v) {
        if (v instanceof BigDecimal b) {
            return b;
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw notA(column, v, "finite number");
            }
            return BigDecimal.valueOf(d);
        }
        throw notA(column, v, "number");
    }

    private IllegalArgumentException notA(String column, Object v, String what) {
        return new IllegalArgumentException("Column '" + column + "' of row " + key + " holds " + v + " ("
                + v.getClass().getSimpleName() + "), which is not a " + what + ".");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.version == version && r.key.equals(key) && r.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, version, values);
    }

    @Override
    public String toString() {
        return "Row[key=" + key + ", version=" + version + ", values=" + values + "]";
    }
}
