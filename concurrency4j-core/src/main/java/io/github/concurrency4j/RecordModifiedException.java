package io.github.concurrency4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A write was refused because the row is no longer at the version it was based on: someone else changed it, or
 * deleted it, first. Nothing was written; the row holds the other writer's values, which this exception carries so
 * that the loser can be shown what won.
 *
 * <p>The message is built only when it is read, so a conflict handled as control flow costs no string work.
 */
public class RecordModifiedException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** The declared table name. */
    private final String table;
    private final transient Object key;
    /** The version the refused write was based on. */
    private final long expectedVersion;
    private final transient Row currentRow;
    private final transient Map<String, Object> attemptedChanges;
    /** What was refused, such as {@code "update"}. */
    private final String operation;

    /**
     * @param table the declared table name
     * @param key the key of the row the write was for
     * @param expectedVersion the version the write was based on
     * @param currentRow the row as it is now, or {@code null} when it was deleted
     * @param attemptedChanges the column values the refused write would have set (empty for a delete)
     * @param operation what was refused, such as {@code "update"} or {@code "delete"}
     */
    public RecordModifiedException(String table, Object key, long expectedVersion, Row currentRow,
                                   Map<String, ?> attemptedChanges, String operation) {
        super(null);
        this.table = table;
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.currentRow = currentRow;
        this.attemptedChanges = attemptedChanges == null || attemptedChanges.isEmpty()
                ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attemptedChanges));
        this.operation = operation;
    }

    /** The declared name of the table. */
    public String table() {
        return table;
    }

    /** The key of the row the refused write was for. */
    public Object key() {
        return key;
    }

    /** The version the refused write was based on. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The row's version now, or empty when the row was deleted. */
    public OptionalLong currentVersion() {
        return currentRow == null ? OptionalLong.empty() : OptionalLong.of(currentRow.version());
    }

    /** Whether the row no longer exists. */
    public boolean isDeleted() {
        return currentRow == null;
    }

    /** The row as it is now (the winner's values), or empty when it was deleted. */
    public Optional<Row> currentRow() {
        return Optional.ofNullable(currentRow);
    }

    /** The values the refused write would have set, by column; empty for a delete. */
    public Map<String, Object> attemptedChanges() {
        return attemptedChanges;
    }

    /** What was refused: {@code "update"}, {@code "delete"}, or another operation's name. */
    public String operation() {
        return operation;
    }

    @Override
    public String getMessage() {
        StringBuilder m = new StringBuilder(160);
        m.append("Refused ").append(operation).append(" of ").append(table).append(' ').append(key)
                .append(": it was based on version ").append(expectedVersion).append(", but ");
        if (currentRow == null) {
            m.append("no row has that key now: it was deleted since (or the key is wrong). Nothing was written.");
        } else {
            m.append("the row is now at version ").append(currentRow.version())
                    .append(" (changed by someone else). Nothing was written. Reload the row and apply the change "
                            + "again.");
        }
        return m.toString();
    }
}
