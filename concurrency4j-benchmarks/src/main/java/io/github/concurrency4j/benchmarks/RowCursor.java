package io.github.concurrency4j.benchmarks;

/**
 * One benchmark thread's walk over the rows it owns, and the version it last saw for each. Threads own disjoint rows
 * (ids {@code threadIndex + 1}, then every {@code threadCount}-th), so single-row benchmarks measure the happy path:
 * every write is based on the current version and none conflicts, whatever {@code -t} says.
 *
 * <p>Not thread-safe: one per benchmark thread.
 */
final class RowCursor {
    /** A few distinct names, precomputed so that building the value costs the same in every contender. */
    private static final String[] NAMES = new String[16];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            NAMES[i] = "product name " + i;
        }
    }

    private final long[] ids;
    private final long[] versions;
    private int position = -1;
    private int writes;

    /**
     * @param rows the rows in the table, ids 1..rows, all at version 1
     */
    RowCursor(int rows, int threadIndex, int threadCount) {
        if (threadCount > rows) {
            throw new IllegalArgumentException("Each thread needs a row of its own: " + threadCount + " threads, but "
                    + rows + " rows");
        }
        int owned = (rows - threadIndex + threadCount - 1) / threadCount;
        ids = new long[owned];
        versions = new long[owned];
        for (int i = 0; i < owned; i++) {
            ids[i] = threadIndex + 1 + (long) i * threadCount;
            versions[i] = 1;
        }
    }

    /** Moves to this thread's next row (wrapping round) and to the next values to write. */
    RowCursor advance() {
        position = position + 1 == ids.length ? 0 : position + 1;
        writes++;
        return this;
    }

    long id() {
        return ids[position];
    }

    /** The version the current row is at, as far as this thread knows: the expected version of its next write. */
    long version() {
        return versions[position];
    }

    /** Records the current row's new version after a write. */
    void saved(long newVersion) {
        versions[position] = newVersion;
    }

    /** The name to write: changes on every write, so a conditional version always has a change to see. */
    String name() {
        return NAMES[writes & (NAMES.length - 1)];
    }

    /** The price to write: also changes on every write. */
    int price() {
        return writes;
    }
}
