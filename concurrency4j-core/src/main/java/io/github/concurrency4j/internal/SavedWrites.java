package io.github.concurrency4j.internal;

/**
 * How many writes the current thread has committed in transactions of their own (a write in auto-commit, a bulk
 * write or guarded action in the engine's own transaction): what {@code Concurrency.retry} compares before and after
 * an attempt. An attempt that lost a race after such a write has saved part of its work for good, and running it
 * again would make that write a second time. Writes in a caller's transaction are not counted: the caller's
 * transaction decides what of them is kept.
 */
public final class SavedWrites {
    private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);

    private SavedWrites() {
    }

    /** The writes this thread has committed in transactions of their own so far. */
    public static long count() {
        return COUNT.get()[0];
    }

    /** Counts one committed write of this thread's. */
    static void note() {
        COUNT.get()[0]++;
    }
}
