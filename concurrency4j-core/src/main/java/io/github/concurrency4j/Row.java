package io.github.concurrency4j;

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
