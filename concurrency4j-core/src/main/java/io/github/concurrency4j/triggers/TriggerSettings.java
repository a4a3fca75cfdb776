package io.github.concurrency4j.triggers;

import java.util.Objects;

/**
 * What {@link io.github.concurrency4j.Concurrency.Builder#build()} does about the triggers of tables declared with
 * {@link io.github.concurrency4j.VersionStrategy#trigger()}. Immutable.
 *
 * <pre>{@code
 * Concurrency.builder(dataSource)
 *     .table("account", t -> t.version("version", VersionStrategy.trigger()))
 *     .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
 *     .build();
 * }</pre>
 */
public final class TriggerSettings {
    /** Triggers are not created by the application unless asked: creating them needs DDL rights. */
    public static final boolean DEFAULT_AUTO_CREATE = false;
    /**
     * A missing trigger refuses the build by default: without it the version never moves, and two stale writes can
     * both succeed.
     */
    public static final CheckMode DEFAULT_CHECK = CheckMode.FAIL;

    /** What a build does when a declared trigger-versioned table has no trigger. */
    public enum CheckMode {
        /** Nothing: the triggers are not looked at. */
        OFF,
        /** Logs a warning naming each missing trigger and how to create it. */
        WARN,
        /** Refuses to build, naming each missing trigger and how to create it. */
        FAIL
    }

    private static final TriggerSettings DEFAULTS = new TriggerSettings(DEFAULT_AUTO_CREATE, DEFAULT_CHECK);

    private final boolean autoCreate;
    private final CheckMode check;

    private TriggerSettings(boolean autoCreate, CheckMode check) {
        this.autoCreate = autoCreate;
        this.check = check;
    }

    /** No auto-creation; a missing trigger fails the build. */
    public static TriggerSettings ofDefaults() {
        return DEFAULTS;
    }

    /** These settings, creating missing triggers at build time when {@code autoCreate} is true. */
    public TriggerSettings withAutoCreate(boolean autoCreate) {
        return new TriggerSettings(autoCreate, check);
    }

    /** These settings, with this check of the triggers at build time. */
    public TriggerSettings withCheck(CheckMode check) {
        return new TriggerSettings(autoCreate, Objects.requireNonNull(check, "check"));
    }

    /** Whether missing triggers are created at build time. */
    public boolean autoCreate() {
        return autoCreate;
    }

    /** What a build does about a missing trigger. */
    public CheckMode check() {
        return check;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TriggerSettings s && s.autoCreate == autoCreate && s.check == check;
    }

    @Override
    public int hashCode() {
        return Objects.hash(autoCreate, check);
    }

    @Override
    public String toString() {
        return "TriggerSettings[autoCreate=" + autoCreate + ", check=" + check + "]";
    }
}
