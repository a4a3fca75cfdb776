package io.github.concurrency4j;

/**
 * Hears the events an operator wants to count, per table: refused writes, attempts {@code retry} runs again,
 * replica reads answered by the primary, and form saves merged over someone else's save. Register one with {@link Concurrency.Builder#listener}; the Spring module
 * turns the events into Micrometer meters.
 *
 * <p>Methods run on the thread of the operation, after the fact, and must be quick. An exception thrown by a
 * listener is logged and ignored: counting never changes what the operation reports.
 */
public interface ConcurrencyListener {

    /** Hears nothing: the default. */
    ConcurrencyListener NONE = new ConcurrencyListener() {
    };

    /**
     * A write or guarded action was refused because a row moved: every conflict that is thrown (a single-row
     * write, {@code ABORT_ALL} once for the whole bulk write, {@code guard}), before the {@link ConflictHandler}
     * sees it, and each row a {@code SKIP_CONFLICTS} bulk write refuses (also listed in its {@link BulkResult}).
     *
     * @param conflict the conflict; {@link RecordModifiedException#table()} names the table
     */
    default void conflict(RecordModifiedException conflict) {
    }

    /**
     * {@link Concurrency#retry(RetryPolicy, java.util.function.Supplier)} is about to run the work again.
     *
     * @param table the table of the lost race, or {@code null} when the failure names none (a
     *     {@link TransactionAbortedException})
     * @param failure what ended the previous attempt
     * @param nextAttempt the number of the attempt about to run (2 for the first retry)
     */
    default void retrying(String table, RuntimeException failure, int nextAttempt) {
    }

    /**
     * A read meant for the read replica ({@link Concurrency.Builder#readReplica}) was answered by the primary,
     * because the replica was behind this engine's own write or failed.
     */
    default void replicaFallback(String table) {
    }

    /**
     * A form save found that someone else had saved the row first, with edits to other fields than this user's,
     * and wrote this user's changes on top of theirs (the Spring module's auto-merge). When the save runs in a
     * Spring-managed transaction, this is called after that transaction commits, and not at all if it rolls back.
     *
     * @param table the table of the row
     * @param key the row's key, as the form carried it
     */
    default void merged(String table, Object key) {
    }
}
