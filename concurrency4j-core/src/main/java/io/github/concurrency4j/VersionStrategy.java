package io.github.concurrency4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a table's version column gets its next value. Immutable.
 *
 * <ul>
 *   <li>{@link #autoIncrement()}: the old version plus one (the default).</li>
 *   <li>{@link #timestamp()}: the greater of the old version plus one and the microseconds since
 *       2000-01-01T00:00Z: versions that are unique across rows and still rise with every write to a row.</li>
 *   <li>{@link #trigger()}: a database trigger bumps the version on every UPDATE, whoever runs it, so writes made
 *       outside the application are caught too; the application's own UPDATE bumps it as well (to the same value),
 *       so its writes stay checked even if the trigger goes missing.</li>
 *   <li>{@link #conditional()}: the old version plus one only when a tracked column's value changes; writes that
 *       change only untracked columns are still checked but leave the version as it is.</li>
 * </ul>
 */
public final class VersionStrategy {

    /** The kinds of strategy. */
    public enum Kind {
        /** Old version plus one. */
        AUTO_INCREMENT,
        /** Max(old + 1, microseconds since 2000-01-01). */
        TIMESTAMP,
        /** Set by a database trigger. */
        TRIGGER,
        /** Old version plus one when a tracked column changes. */
        CONDITIONAL
    }

    private static final VersionStrategy AUTO_INCREMENT = new VersionStrategy(Kind.AUTO_INCREMENT, Set.of(), Set.of());
    private static final VersionStrategy TIMESTAMP = new VersionStrategy(Kind.TIMESTAMP, Set.of(), Set.of());
    private static final VersionStrategy TRIGGER = new VersionStrategy(Kind.TRIGGER, Set.of(), Set.of());
    private static final VersionStrategy CONDITIONAL = new VersionStrategy(Kind.CONDITIONAL, Set.of(), Set.of());

    private final Kind kind;
    private final Set<String> checkFields;
    private final Set<String> ignoreFields;

    private VersionStrategy(Kind kind, Set<String> checkFields, Set<String> ignoreFields) {
        this.kind = kind;
        this.checkFields = checkFields;
        this.ignoreFields = ignoreFields;
    }

    /** Next version = old version + 1. The default. */
    public static VersionStrategy autoIncrement() {
        return AUTO_INCREMENT;
    }

    /** Next version = max(old version + 1, microseconds since 2000-01-01T00:00Z). */
    public static VersionStrategy timestamp() {
        return TIMESTAMP;
    }

    /**
     * The version is bumped by a database trigger on every UPDATE, whoever runs it. The application's own UPDATE
     * also sets it to the old version plus one (the value the trigger sets), so a trigger dropped while the
     * application runs leaves its own writes checked; only writes made outside it go uncaught until the trigger is
     * back. Create the trigger with {@code concurrency.triggers().create(...)} or the {@code concurrency4j triggers}
     * command.
     */
    public static VersionStrategy trigger() {
        return TRIGGER;
    }

    /**
     * Next version = old version + 1 only when a tracked column's value changes. Every non-key column is tracked
     * unless narrowed by {@link #checkFields(String...)} or {@link #ignoreFields(String...)}.
     */
    public static VersionStrategy conditional() {
        return CONDITIONAL;
    }

    /**
     * A conditional strategy that tracks only these columns.
     *
     * @throws DeclarationException if this is not a conditional strategy, if ignore fields are already set, or if
     *     no column is named
     */
    public VersionStrategy checkFields(String... columns) {
        requireConditional("checkFields");
        if (!ignoreFields.isEmpty()) {
            throw new DeclarationException("A conditional version can track checkFields or ignoreFields, not both: "
                    + "ignoreFields is already " + ignoreFields + ", so checkFields" + Arrays.toString(columns)
                    + " is refused.");
        }
        return new VersionStrategy(kind, names("checkFields", columns), Set.of());
    }

    /**
     * A conditional strategy that tracks every column except these.
     *
     * @throws DeclarationException if this is not a conditional strategy, if check fields are already set, or if
     *     no column is named
     */
    public VersionStrategy ignoreFields(String... columns) {
        requireConditional("ignoreFields");
        if (!checkFields.isEmpty()) {
            throw new DeclarationException("A conditional version can track checkFields or ignoreFields, not both: "
                    + "checkFields is already " + checkFields + ", so ignoreFields" + Arrays.toString(columns)
                    + " is refused.");
        }
        return new VersionStrategy(kind, Set.of(), names("ignoreFields", columns));
    }

    /** Which kind of strategy this is. */
    public Kind kind() {
        return kind;
    }

    /** For a conditional strategy, the only columns tracked (empty when not narrowed this way). */
    public Set<String> checkedFields() {
        return checkFields;
    }

    /** For a conditional strategy, the columns not tracked (empty when not narrowed this way). */
    public Set<String> ignoredFields() {
        return ignoreFields;
    }

    private void requireConditional(String option) {
        if (kind != Kind.CONDITIONAL) {
            throw new DeclarationException(option + " applies only to VersionStrategy.conditional(), not to "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + ".");
        }
    }

    private static Set<String> names(String option, String... columns) {
        Objects.requireNonNull(columns, option);
        if (columns.length == 0) {
            throw new DeclarationException(option + "() needs at least one column name.");
        }
        Set<String> set = new LinkedHashSet<>();
        for (String c : columns) {
            if (c == null || c.isBlank()) {
                throw new DeclarationException(option + "() was given a blank column name: " + Arrays.toString(columns));
            }
            set.add(c);
        }
        return Collections.unmodifiableSet(set);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionStrategy s && s.kind == kind && s.checkFields.equals(checkFields)
                && s.ignoreFields.equals(ignoreFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, checkFields, ignoreFields);
    }

    @Override
    public String toString() {
        String k = kind.name().toLowerCase(java.util.Locale.ROOT);
        if (!checkFields.isEmpty()) {
            return k + "(checkFields=" + checkFields + ")";
        }
        if (!ignoreFields.isEmpty()) {
            return k + "(ignoreFields=" + ignoreFields + ")";
        }
        return k;
    }
}
