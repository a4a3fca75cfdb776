package io.github.concurrency4j.triggers;

/**
 * What a probe UPDATE showed about a table's version trigger ({@link TriggerManager#prove(TriggerTarget)}). A
 * trigger that lists as ours proves nothing by its name or its marker: only an UPDATE that moves the version does.
 */
public enum TriggerProof {
    /** A no-op UPDATE of one row moved its version: the trigger works. */
    BUMPS_VERSION,
    /** A no-op UPDATE of one row left its version as it was: whatever trigger is there does not version rows. */
    VERSION_UNCHANGED,
    /** The table has no row to probe: nothing can be proved until it has one. */
    NO_ROW,
    /** The table has no primary key: the probe cannot pick out one row. */
    NO_PRIMARY_KEY
}
