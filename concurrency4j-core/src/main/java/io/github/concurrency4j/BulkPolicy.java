package io.github.concurrency4j;

/**
 * What a bulk write ({@link VersionedTable#updateAll(java.util.List, BulkPolicy)},
 * {@link VersionedTable#deleteAll(java.util.List, BulkPolicy)}) does when some of its rows are stale.
 *
 * <p>Either way the whole bulk write runs in one transaction and every row is checked against the version it was
 * read at; the policies differ only in what happens to the rows that are still current.
 */
public enum BulkPolicy {

    /**
     * Save every row that is still current and report the others in {@link BulkResult#conflicts()}: the
     * list-editable grid that saves what it can and shows the user what someone else changed meanwhile
     * (django-concurrency's {@code POLICY SILENT}).
     */
    SKIP_CONFLICTS,

    /**
     * All or nothing: if any row is stale, nothing is saved and a {@link BulkConflictException} lists every stale
     * row, not just the first.
     */
    ABORT_ALL
}
