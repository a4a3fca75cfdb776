package io.github.concurrency4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One row's part of a bulk update: which row, the version its values were read at, and the column values to set.
 *
 * @param key the row's key
 * @param expectedVersion the version the change was based on; {@code null} only where a write without a version is
 *     allowed (see {@link Concurrency.Builder#versionRequired(boolean)} and {@link Concurrency#disable(String...)})
 * @param changes column values to set, neither the key nor the version column; {@code null} values set SQL NULL
 */
public record RowChange(Object key, Long expectedVersion, Map<String, ?> changes) {

    /** The classes of {@link Map#of} and {@link Map#copyOf} maps: they cannot change, so they need no copy. */
    private static final Set<Class<?>> IMMUTABLE_MAPS = Set.of(Map.of().getClass(), Map.of("", "").getClass());

    /** Checks the arguments and keeps an unmodifiable copy of the changes (which may hold {@code null} values). */
    public RowChange {
        Objects.requireNonNull(key, "key must not be null: a RowChange names the row it changes");
        Objects.requireNonNull(changes, "changes must not be null; pass an empty map to only check and bump the row");
        // A grid of 1,000 rows builds 1,000 of these: a map that cannot change is kept as it is.
        changes = IMMUTABLE_MAPS.contains(changes.getClass()) ? changes
                : Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    /** The change of the row with this key, based on this version. */
    public static RowChange of(Object key, long expectedVersion, Map<String, ?> changes) {
        return new RowChange(key, expectedVersion, changes);
    }

    /** The change of a row as it was read: its key and version come from the row. */
    public static RowChange of(Row row, Map<String, ?> changes) {
        Objects.requireNonNull(row, "row");
        return new RowChange(row.key(), row.version(), changes);
    }

    /** The change of a row a form or grid carried as (key, version). */
    public static RowChange of(Identity identity, Map<String, ?> changes) {
        Objects.requireNonNull(identity, "identity");
        return new RowChange(identity.key(), identity.version(), changes);
    }
}
