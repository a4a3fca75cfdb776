package io.github.concurrency4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a bulk write did: the rows it saved, each with its new version, and the rows it refused because they had
 * changed (or been deleted) since they were read, each with the row as it is now.
 *
 * <p>Keys are reported as the key column's type: an integer key given as {@code 7} or {@code "7"} comes back as
 * {@code 7L}. Both lists keep the order of the input.
 */
public final class BulkResult {
    private final String table;
    private final List<Identity> saved;
    private final List<RecordModifiedException> conflicts;

    /**
     * @param table the declared table name
     * @param saved the saved rows as (key, new version); for a delete, (key, version it was deleted at)
     * @param conflicts the refused rows, each with its current row or none when it was deleted
     */
    public BulkResult(String table, List<Identity> saved, List<RecordModifiedException> conflicts) {
        this.table = Objects.requireNonNull(table, "table");
        this.saved = List.copyOf(saved);
        this.conflicts = List.copyOf(conflicts);
    }

    /** The declared name of the table written. */
    public String table() {
        return table;
    }

    /**
     * The rows written, as (key, new version): pass the new versions back with the next edit. For
     * {@link VersionedTable#deleteAll(List, BulkPolicy)}, the rows deleted, with the version they were deleted at.
     */
    public List<Identity> saved() {
        return saved;
    }

    /** The new version of each saved row, by key (as the key column's type, see above), in input order. */
    public Map<Object, Long> savedVersions() {
        Map<Object, Long> m = new LinkedHashMap<>(saved.size() * 2);
        for (Identity i : saved) {
            m.put(i.key(), i.version());
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The rows refused because they were no longer at the version the change was based on. Each carries the key,
     * the expected version, the row as it is now ({@link RecordModifiedException#currentRow()}, empty when it was
     * deleted) and the change that was not applied. Nothing was written to these rows.
     */
    public List<RecordModifiedException> conflicts() {
        return conflicts;
    }

    /** The keys of the refused rows, in input order. */
    public Set<Object> conflictKeys() {
        Set<Object> keys = new LinkedHashSet<>(conflicts.size() * 2);
        for (RecordModifiedException c : conflicts) {
            keys.add(c.key());
        }
        return Collections.unmodifiableSet(keys);
    }

    /** Whether any row was refused. */
    public boolean hasConflicts() {
        return !conflicts.isEmpty();
    }

    @Override
    public String toString() {
        List<String> refused = new ArrayList<>(conflicts.size());
        for (RecordModifiedException c : conflicts) {
            refused.add(c.key() + (c.isDeleted() ? " (deleted)" : " (now version " + c.currentVersion().getAsLong() + ")"));
        }
        return "BulkResult[" + table + ": saved " + saved.size() + ", refused " + conflicts.size()
                + (refused.isEmpty() ? "" : " " + refused) + "]";
    }
}
