package io.github.concurrency4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A bulk operation was refused because some of its rows had changed or vanished since they were read: an
 * {@link BulkPolicy#ABORT_ALL} bulk write, or a {@linkplain VersionedTable#guard(java.util.Collection,
 * GuardedAction) guarded action}. Nothing was written: the bulk write was rolled back as a whole, or the action did
 * not run.
 *
 * <p>It lists every stale row, not just the first: {@link #conflicts()} holds one {@link RecordModifiedException}
 * per row, with the row as it is now. It is itself a {@link RecordModifiedException}, so code that handles a
 * refused single-row write (a retry loop, a 409 page) handles this one too; the single-row accessors
 * ({@link #key()}, {@link #expectedVersion()}, {@link #currentRow()}) describe the first stale row.
 */
public final class BulkConflictException extends RecordModifiedException {
    private static final long serialVersionUID = 1L;
    private static final int DETAILED_ROWS_IN_MESSAGE = 10;

    private final transient List<RecordModifiedException> conflicts;
    /** How many rows the bulk operation named. */
    private final int rowCount;

    /**
     * @param table the declared table name
     * @param operation what was refused: {@code "update"}, {@code "delete"} or {@code "guarded action"}
     * @param rowCount how many rows the bulk operation named
     * @param conflicts one refused row each, in input order; at least one
     */
    public BulkConflictException(String table, String operation, int rowCount,
                                 List<RecordModifiedException> conflicts) {
        super(table, first(conflicts).key(), first(conflicts).expectedVersion(),
                first(conflicts).currentRow().orElse(null), first(conflicts).attemptedChanges(), operation);
        this.conflicts = List.copyOf(conflicts);
        this.rowCount = rowCount;
    }

    private static RecordModifiedException first(List<RecordModifiedException> conflicts) {
        Objects.requireNonNull(conflicts, "conflicts");
        if (conflicts.isEmpty()) {
            throw new IllegalArgumentException("A BulkConflictException needs at least one conflict");
        }
        return conflicts.get(0);
    }

    /** Every refused row, in input order, each with its current row (empty when deleted). */
    public List<RecordModifiedException> conflicts() {
        return conflicts;
    }

    /** The keys of every refused row, in input order. */
    public Set<Object> keys() {
        Set<Object> keys = new LinkedHashSet<>(conflicts.size() * 2);
        for (RecordModifiedException c : conflicts) {
            keys.add(c.key());
        }
        return Collections.unmodifiableSet(keys);
    }

    /** How many rows the bulk operation named (the refused ones and the others). */
    public int rowCount() {
        return rowCount;
    }

    @Override
    public String getMessage() {
        boolean action = operation().equals("guarded action");
        StringBuilder m = new StringBuilder(120 + conflicts.size() * 12);
        m.append("Refused ").append(operation()).append(action ? " on " : " of ").append(rowCount)
                .append(rowCount == 1 ? " row of " : " rows of ").append(table()).append(": ")
                .append(conflicts.size()).append(conflicts.size() == 1 ? " has" : " have")
                .append(" changed or been deleted since ").append(action ? "they were shown" : "they were read")
                .append(", keys ").append(new ArrayList<>(keys())).append(" (");
        int shown = Math.min(conflicts.size(), DETAILED_ROWS_IN_MESSAGE);
        for (int i = 0; i < shown; i++) {
            RecordModifiedException c = conflicts.get(i);
            if (i > 0) {
                m.append("; ");
            }
            m.append(c.key()).append(": expected version ").append(c.expectedVersion()).append(", ")
                    .append(c.isDeleted() ? "deleted" : "now at version " + c.currentVersion().getAsLong());
        }
        if (conflicts.size() > shown) {
            m.append("; ").append(conflicts.size() - shown).append(" more in conflicts()");
        }
        m.append(").");
        if (action) {
            m.append(" The action did not run; nothing was changed. Show the rows again and repeat the action.");
        } else {
            m.append(" The batch was rolled back: nothing was saved. Reload these rows and apply the changes again.");
        }
        return m.toString();
    }
}
