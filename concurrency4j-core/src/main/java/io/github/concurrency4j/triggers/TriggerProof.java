package io.github.concurrency4j.triggers;

/**
 * What a probe UPDATE showed about a table's version trigger ({@link TriggerManager#prove(TriggerTarget)}). A
 * trigger that lists as ours proves nothing by its name or its marker: only an UPDATE that moves the version does.
 */
public enum TriggerProof {
    /** A no-op UPDATE of one row moved its version by exactly 1: the trigger works. */
    BUMPS_VERSION,
    /** A no-op UPDATE of one row left its version as it was: whatever trigger is there does not version rows. */
    VERSION_UNCHANGED,
    /**
     * A no-op UPDATE of one row moved its version by something other than 1, as when another trigger of the table
     * also writes the version: where the UPDATE cannot hand back what the trigger wrote (MariaDB, SQLite) the engine
     * derives the new version as the old one plus 1, so every save would answer a version the row does not hold.
     */
    BUMPS_BY_OTHER_THAN_ONE,
    /** The table has no row to probe: nothing can be proved until it has one. */
    NO_ROW,
    /** The table has no primary key: the probe cannot pick out one row. */
    NO_PRIMARY_KEY
}
