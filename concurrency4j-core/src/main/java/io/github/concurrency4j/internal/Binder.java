package io.github.concurrency4j.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.UUID;

/** Binding values to statements, and key conversion. */
public final class Binder {
    private Binder() {
    }

    /** Binds a value; {@code null} as SQL NULL of the column's type, an enum as its name. */
    public static void bind(PreparedStatement ps, int index, Object value, int jdbcType) throws SQLException {
        if (value == null) {
            ps.setNull(index, jdbcType);
        } else if (value instanceof Enum<?> e) {
            ps.setString(index, e.name());
        } else {
            ps.setObject(index, value);
        }
    }

    /**
     * Converts a key to the key column's type where that is unambiguous: web frameworks hand keys over as strings,
     * and a string compared with a numeric column is an error on PostgreSQL. The other way round is ambiguous and
     * refused: a number for a text column. Every path, single-row and bulk, reads and writes, takes its keys here.
     *
     * @throws IllegalArgumentException when the key cannot be a value of the column
     */
    public static Object coerceKey(Object key, Column column, String table) {
        if (!isInteger(column.jdbcType())) {
            if (key instanceof Number && column.text()) {
                // Compared with text, a number is converted the database's own way: MariaDB and H2 compare as
                // numbers ('1' and '01' both match 1), PostgreSQL refuses, SQLite converts the number to text.
                throw new IllegalArgumentException("Key " + key + " (" + key.getClass().getName() + ") of table "
                        + table + " is a number, but its key column '" + column.name() + "' is a text column: pass "
                        + "the key as the String the column holds. Compared with text, a number can match several "
                        + "keys (\"1\", \"01\", \"1.0\") or none. Nothing was read or written.");
            }
            return key;
        }
        if (key instanceof Long) {
            return key;
        }
        if (key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return ((Number) key).longValue();
        }
        if (key instanceof BigInteger || key instanceof BigDecimal) {
            try {
                return key instanceof BigInteger b ? b.longValueExact() : ((BigDecimal) key).longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("Key " + key + " of table " + table + " is not a whole number "
                        + "that fits the integer column '" + column.name() + "'.", e);
            }
        }
        if (key instanceof CharSequence s) {
            try {
                return Long.parseLong(s.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Key '" + s + "' of table " + table + " is not a number, but "
                        + "its key column '" + column.name() + "' is an integer column.", e);
            }
        }
        throw new IllegalArgumentException("Key " + key + " (" + key.getClass().getName() + ") of table " + table
                + " cannot be compared with its integer key column '" + column.name() + "'.");
    }

    /**
     * A form of a key under which the value a caller gave and the value the database returns for the same row are
     * equal, for matching rows read back by key: {@code 5L} and the {@code BigDecimal} 5 a NUMERIC key returns,
     * {@code "5"} and the {@code "5  "} a CHAR(3) key returns, a UUID string and the {@code UUID} a uuid key returns.
     */
    public static Object matchKey(Object key, Column column) {
        if (key instanceof BigDecimal || key instanceof BigInteger || key instanceof Long || key instanceof Integer
                || key instanceof Short || key instanceof Byte || key instanceof Double || key instanceof Float) {
            try {
                return new BigDecimal(key.toString()).stripTrailingZeros();
            } catch (NumberFormatException e) {
                return key;   // NaN and the infinities match only themselves
            }
        }
        if (key instanceof UUID u) {
            return u.toString();
        }
        if (key instanceof CharSequence cs) {
            String s = cs.toString();
            int t = column.jdbcType();
            if (t == Types.CHAR || t == Types.NCHAR) {
                int end = s.length();
                while (end > 0 && s.charAt(end - 1) == ' ') {
                    end--;
                }
                return s.substring(0, end);
            }
            boolean text = t == Types.VARCHAR || t == Types.NVARCHAR || t == Types.LONGVARCHAR
                    || t == Types.LONGNVARCHAR || t == Types.CLOB || t == Types.NCLOB;
            if (!text && s.length() == 36 && s.charAt(8) == '-') {
                try {
                    return UUID.fromString(s).toString();
                } catch (IllegalArgumentException notUuid) {
                    return s;
                }
            }
            return s;
        }
        return key;
    }

    private static boolean isInteger(int jdbcType) {
        return jdbcType == Types.BIGINT || jdbcType == Types.INTEGER || jdbcType == Types.SMALLINT
                || jdbcType == Types.TINYINT;
    }
}
