package io.github.concurrency4j.internal;

import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.DisableScope;
import io.github.concurrency4j.MissingVersionException;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordTable;
import io.github.concurrency4j.Row;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link RecordTable} over a {@link TableEngine}: record components to columns, camelCase to snake_case. */
final class RecordTableEngine<R extends Record> implements RecordTable<R> {
    private final TableEngine table;
    private final Class<R> type;
    private final RecordComponent[] components;
    private final Column[] columns;
    private final Constructor<R> constructor;
    private final int keyIndex;
    private final int versionIndex;
    /** Whether a key the database generates may be out of the key component's range (an Integer over BIGINT). */
    private final boolean keyMayNotFit;

    RecordTableEngine(TableEngine table, Class<R> type) {
        this.table = table;
        this.type = Objects.requireNonNull(type, "recordType");
        if (!type.isRecord()) {
            throw new DeclarationException(type.getName() + " is not a record.");
        }
        this.components = type.getRecordComponents();
        this.columns = new Column[components.length];
        Class<?>[] types = new Class<?>[components.length];
        int key = -1;
        int version = -1;
        TableModel m = table.model();
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            Column c = m.column(name);
            if (c == null) {
                c = m.column(snakeCase(name));
            }
            if (c == null) {
                throw new DeclarationException("Record " + type.getSimpleName() + " has component '" + name
                        + "', but table " + m.name() + " has no column '" + name + "' or '" + snakeCase(name)
                        + "'; its columns are " + m.byName().keySet() + ".");
            }
            columns[i] = c;
            types[i] = components[i].getType();
            if (c == m.key()) {
                key = i;
            } else if (c == m.version()) {
                version = i;
            }
        }
        if (key < 0 || version < 0) {
            throw new DeclarationException("Record " + type.getSimpleName() + " needs a component for the "
                    + (key < 0 ? "key column '" + m.key().name() : "version column '" + m.version().name())
                    + "' of table " + m.name() + ".");
        }
        Class<?> versionType = box(types[version]);
        if (versionType == Integer.class || versionType == Short.class || versionType == Byte.class) {
            // A narrowed version is a version the row does not hold: timestamp versions never fit an int, and a
            // record saved with a cut version acknowledges a version that is not in the table.
            throw new DeclarationException("Record " + type.getSimpleName() + " has component '"
                    + components[version].getName() + "' of type " + types[version].getName() + " for the version "
                    + "column '" + m.version().name() + "' of table " + m.name() + ", but versions are 64-bit "
                    + "(timestamp versions exceed an int at once): make it long or Long.");
        }
        this.keyIndex = key;
        this.versionIndex = version;
        this.keyMayNotFit = mayNotFit(box(types[key]), m.key().jdbcType(), table.engine().dialect().name());
        try {
            this.constructor = type.getDeclaredConstructor(types);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new DeclarationException("Cannot use the canonical constructor of " + type.getName(), e);
        }
    }

    static String snakeCase(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    @Override
    public Optional<R> find(Object key) {
        return table.find(key).map(this::toRecord);
    }

    @Override
    public R insert(R record) {
        Object[] values = values(record);
        Map<String, Object> map = new LinkedHashMap<>();
        // Inside a disable scope an insert is an import: the record's version is kept, as VersionedTable keeps a
        // given version there. Anywhere else a new record starts at the strategy's initial version.
        boolean keepVersion = values[versionIndex] != null
                && !(values[keyIndex] == null ? table.checksOn() : table.checksOn(table.key(values[keyIndex])));
        for (int i = 0; i < columns.length; i++) {
            if ((i != versionIndex || keepVersion) && !(i == keyIndex && values[i] == null)) {
                map.put(columns[i].name(), values[i]);
            }
        }
        // A generated key that may not fit the key component is checked before the insert commits: refused, the
        // insert is undone, or a caller told of an error would insert the row again.
        Identity id = table.insert(map, keyMayNotFit ? key -> {
            try {
                convert(key, keyIndex);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("Refused the insert into " + table.name() + ": the database "
                        + "generated key " + key + " for the row, but c" + e.getMessage().substring(1)
                        + " Nothing was inserted.", e);
            }
        } : null);
        values[keyIndex] = convert(id.key(), keyIndex);
        values[versionIndex] = convert(id.version(), versionIndex);
        return construct(values);
    }

    @Override
    public R update(R record) {
        Object[] values = values(record);
        long next = table.update(values[keyIndex], version(values), changes(values));
        values[versionIndex] = convert(next, versionIndex);
        return construct(values);
    }

    @Override
    public void delete(R record) {
        Object[] values = values(record);
        table.delete(values[keyIndex], version(values));
    }

    @Override
    public R updateWithoutIncrement(R record) {
        Object[] values = values(record);
        // The version stays unless a trigger moved it: the record carries what the row holds.
        long version = table.updateWithoutIncrement(values[keyIndex], requiredVersion(values), changes(values));
        values[versionIndex] = convert(version, versionIndex);
        return construct(values);
    }

    @Override
    public boolean isChanged(R record) {
        Object[] values = values(record);
        return table.isChanged(values[keyIndex], requiredVersion(values));
    }

    @Override
    public void check(R record) {
        Object[] values = values(record);
        table.check(values[keyIndex], requiredVersion(values));
    }

    @Override
    public void checkAndLock(R record) {
        Object[] values = values(record);
        table.checkAndLock(values[keyIndex], requiredVersion(values));
    }

    @Override
    public R restore(R kept) {
        Object[] values = values(kept);
        if (values[keyIndex] == null) {
            throw new IllegalArgumentException("restore needs the key of the deleted row, but component "
                    + components[keyIndex].getName() + " of the " + type.getSimpleName() + " is null.");
        }
        if (values[versionIndex] == null) {
            throw new IllegalArgumentException("restore needs the last version the row had, but component "
                    + components[versionIndex].getName() + " of the " + type.getSimpleName() + " is null.");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
            if (i != versionIndex) {
                map.put(columns[i].name(), values[i]);
            }
        }
        Identity id = table.restore(map, version(values));
        values[versionIndex] = convert(id.version(), versionIndex);
        return construct(values);
    }

    @Override
    public DisableScope disable(R record) {
        Object[] values = values(record);
        if (values[keyIndex] == null) {
            throw new IllegalArgumentException("disable needs a row, but component " + components[keyIndex].getName()
                    + " of the " + type.getSimpleName() + " is null (a record not inserted yet).");
        }
        return table.disable(values[keyIndex]);
    }

    private Map<String, Object> changes(Object[] values) {
        Map<String, Object> changes = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
            if (i != versionIndex && i != keyIndex) {
                changes.put(columns[i].name(), values[i]);
            }
        }
        return changes;
    }

    private long requiredVersion(Object[] values) {
        Long v = version(values);
        if (v == null) {
            throw new MissingVersionException(table.name(), values[keyIndex]);
        }
        return v;
    }

    private Long version(Object[] values) {
        Object v = values[versionIndex];
        return v == null ? null : ((Number) v).longValue();
    }

    private Object[] values(R record) {
        Objects.requireNonNull(record, "record");
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            try {
                values[i] = components[i].getAccessor().invoke(record);
            } catch (IllegalAccessException e) {
                components[i].getAccessor().setAccessible(true);
                try {
                    values[i] = components[i].getAccessor().invoke(record);
                } catch (ReflectiveOperationException again) {
                    throw new IllegalStateException("Cannot read component " + components[i].getName(), again);
                }
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("Component accessor " + components[i].getName() + " failed", e.getCause());
            }
        }
        return values;
    }

    private R toRecord(Row row) {
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = convert(row.values().get(columns[i].name()), i);
        }
        return construct(values);
    }

    private R construct(Object[] values) {
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("The constructor of " + type.getSimpleName() + " refused the row's values",
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot construct " + type.getSimpleName(), e);
        }
    }

    private Object convert(Object value, int index) {
        Class<?> target = components[index].getType();
        if (value == null) {
            if (target.isPrimitive()) {
                throw new IllegalStateException("Column " + columns[index].name() + " of " + table.name()
                        + " is NULL, but component " + components[index].getName() + " of "
                        + type.getSimpleName() + " is a primitive " + target + ": make it a wrapper type.");
            }
            return null;
        }
        Class<?> boxed = box(target);
        if (boxed.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            if (boxed == Long.class || boxed == Integer.class || boxed == Short.class || boxed == Byte.class) {
                // Exact or refused: a key narrowed in silence names another row (4,294,967,297 as an int is 1).
                long exact;
                try {
                    exact = exactLong(n);
                } catch (ArithmeticException e) {
                    throw doesNotFit(value, index, target);
                }
                if (boxed == Long.class) {
                    return exact;
                } else if (boxed == Integer.class && exact == (int) exact) {
                    return (int) exact;
                } else if (boxed == Short.class && exact == (short) exact) {
                    return (short) exact;
                } else if (boxed == Byte.class && exact == (byte) exact) {
                    return (byte) exact;
                }
                throw doesNotFit(value, index, target);
            } else if (boxed == Double.class) {
                return n.doubleValue();
            } else if (boxed == Float.class) {
                return n.floatValue();
            } else if (boxed == BigDecimal.class) {
                return new BigDecimal(n.toString());
            } else if (boxed == BigInteger.class) {
                return new BigInteger(n.toString());
            } else if (boxed == Boolean.class) {
                return n.intValue() != 0;
            } else if (boxed == String.class) {
                return n.toString();
            }
        }
        if (value instanceof Timestamp ts) {
            if (boxed == LocalDateTime.class) {
                return ts.toLocalDateTime();
            } else if (boxed == Instant.class) {
                return ts.toInstant();
            }
        }
        if (value instanceof java.sql.Date d && boxed == LocalDate.class) {
            return d.toLocalDate();
        }
        if (value instanceof OffsetDateTime o && boxed == Instant.class) {
            return o.toInstant();
        }
        if (value instanceof String s && boxed.isEnum()) {
            for (Object constant : boxed.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(s)) {
                    return constant;
                }
            }
        }
        if (boxed == String.class) {
            return value.toString();
        }
        throw new IllegalStateException("Column " + columns[index].name() + " of " + table.name() + " holds a "
                + value.getClass().getName() + ", which component " + components[index].getName() + " of "
                + type.getSimpleName() + " (" + target.getName() + ") cannot take.");
    }

    /**
     * Whether a generated value of a column of this JDBC type may not fit the component: only integer components
     * narrower than a long can refuse one, and only over a wider column. Only PostgreSQL's and H2's integer types
     * are as wide as they report; elsewhere a key column counts as 64 bits (SQLite's INTEGER key is a 64-bit rowid,
     * and MariaDB's INT UNSIGNED reports INTEGER while holding values past an int).
     */
    private static boolean mayNotFit(Class<?> component, int jdbcType, String dialect) {
        int width = component == Integer.class ? 32 : component == Short.class ? 16 : component == Byte.class ? 8 : 64;
        if (width == 64) {
            return false;
        }
        if (!dialect.equals("postgresql") && !dialect.equals("h2")) {
            return true;
        }
        int column = switch (jdbcType) {
            case java.sql.Types.TINYINT -> 8;
            case java.sql.Types.SMALLINT -> 16;
            case java.sql.Types.INTEGER -> 32;
            default -> 64;
        };
        return column > width;
    }

    private static long exactLong(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return n.longValue();
        }
        if (n instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (n instanceof BigInteger i) {
            return i.longValueExact();
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || d < Long.MIN_VALUE || d >= 0x1p63) {
                throw new ArithmeticException("not an integer within long: " + d);
            }
            return (long) d;
        }
        return new BigDecimal(n.toString()).longValueExact();
    }

    private IllegalStateException doesNotFit(Object value, int index, Class<?> target) {
        return new IllegalStateException("Column " + columns[index].name() + " of " + table.name() + " holds " + value
                + ", which does not fit component " + components[index].getName() + " of " + type.getSimpleName()
                + " (" + target.getName() + "): make the component wide enough for every value of the column.");
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        if (c == long.class) {
            return Long.class;
        } else if (c == int.class) {
            return Integer.class;
        } else if (c == boolean.class) {
            return Boolean.class;
        } else if (c == double.class) {
            return Double.class;
        } else if (c == float.class) {
            return Float.class;
        } else if (c == short.class) {
            return Short.class;
        } else if (c == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }

    @Override
    public String toString() {
        return "RecordTable[" + table.name() + " as " + type.getSimpleName() + "]";
    }
}
