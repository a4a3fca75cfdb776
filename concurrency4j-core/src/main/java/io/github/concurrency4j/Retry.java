package io.github.concurrency4j;

import io.github.concurrency4j.internal.AbortedTransactions;
import io.github.concurrency4j.internal.SavedWrites;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The retry loop behind {@link Concurrency#retry(RetryPolicy, Supplier)}. */
final class Retry {
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);
    private static final int MAX_CAUSE_DEPTH = 32;

    private Retry() {
    }

    static <T> T run(RetryPolicy policy, Supplier<T> work) {
        return run(policy, ConcurrencyListener.NONE, work);
    }

    /** {@link #run(RetryPolicy, Supplier)} that tells the listener about each attempt it runs again. */
    static <T> T run(RetryPolicy policy, ConcurrencyListener listener, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            long savedBefore = SavedWrites.count();
            int mark = SavedWrites.beginAttempt();
            RuntimeException e;
            boolean leftInOpenTransaction;
            try {
                return work.get();
            } catch (RuntimeException failed) {
                e = failed;
                leftInOpenTransaction = SavedWrites.stillInOpenTransactionSince(mark);
            } finally {
                SavedWrites.endAttempt();
            }
            ConcurrencyException cause = raceIn(e);
            if ((cause == null && !policy.retriesAlso(e)) || attempt >= policy.maxAttempts()
                    || endedCallersTransaction(abortIn(e)) || savedPartOfItsWork(e, SavedWrites.count() - savedBefore)
                    || leftWritesInOpenTransaction(e, leftInOpenTransaction)) {
                throw e;
            }
            long delay = policy.delayMillisBefore(attempt + 1);
            listener.retrying(cause instanceof RecordModifiedException c ? c.table() : null, e, attempt + 1);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Attempt {} of {} failed ({}); retrying in {} ms", attempt, policy.maxAttempts(),
                        cause instanceof RecordModifiedException c ? "lost a race on " + c.table() + " " + c.key()
                                : String.valueOf(cause != null ? cause.getMessage() : e.toString()), delay);
            }
            try {
                policy.sleeper().sleep(delay);
            } catch (InterruptedException interrupted) {
                // Stop retrying, keep the interrupt for the caller, and report what actually failed.
                Thread.currentThread().interrupt();
                e.addSuppressed(interrupted);
                throw e;
            }
        }
    }

    /**
     * Whether the failed attempt had already committed writes in transactions of their own (each write in
     * auto-commit, outside any transaction): those are saved for good, and a new attempt would make them again (a
     * second "+1", a second order line). Such an attempt is not retried: its failure is thrown, with a note that says
     * why. An attempt whose writes share one transaction, which its failure rolls back, saved nothing and is retried.
     */
    private static boolean savedPartOfItsWork(RuntimeException e, long saved) {
        if (saved <= 0) {
            return false;
        }
        String why = "Not retried: before it failed, this attempt had already saved " + saved
                + (saved == 1 ? " write" : " writes") + " in a transaction of its own (committed at once, outside any "
                + "transaction), and running it again would make " + (saved == 1 ? "that write" : "those writes")
                + " a second time. Put the attempt's writes in one transaction that its failure rolls back (a "
                + "@Transactional method called inside the retry, or one connection with auto-commit off, committed at "
                + "the end of the attempt): each attempt then saves all or nothing, and can be retried.";
        LOG.warn(why);
        e.addSuppressed(new IllegalStateException(why));
        return true;
    }

    /**
     * Whether the failed attempt had written inside a transaction of the caller's that is still open (the retry runs
     * inside the caller's transaction, or the attempt left its own open): those writes are in that transaction, and
     * the caller's commit saves them. A new attempt in the same transaction would make them again: a second "+1" that
     * the commit saves with the first. Such an attempt is not retried: its failure is thrown, with a note that says
     * why, and the caller decides (a rollback drops the writes; running the whole transaction again is safe).
     */
    private static boolean leftWritesInOpenTransaction(RuntimeException e, boolean left) {
        if (!left) {
            return false;
        }
        String why = "Not retried: before it failed, this attempt had already written inside a transaction that is "
                + "still open (yours, begun outside the retry, or one the attempt left open), and running it again in "
                + "that transaction would make those writes a second time, both saved by its commit. Roll the "
                + "transaction back and run it again: put the retry around the whole transaction (a @Transactional "
                + "method called inside the retry, or a connection that each attempt commits or rolls back and "
                + "closes).";
        LOG.warn(why);
        e.addSuppressed(new IllegalStateException(why));
        return true;
    }

    /**
     * Whether the database rolled back a transaction of the caller's that encloses the retry (its connection is still
     * open and in a transaction after the attempt): the writes it made before the attempt are gone, and an attempt on
     * the same connection would run in a new transaction that the caller's commit saves, reporting the lost writes
     * saved. Only the caller can run its transaction again. A transaction the attempt began and ended is no obstacle.
     */
    private static boolean endedCallersTransaction(TransactionAbortedException a) {
        return a != null && a.inCallersTransaction() && a.transactionRolledBack()
                && AbortedTransactions.endedAnEnclosingTransaction(a);
    }

    /**
     * The abort in this failure's cause chain, if any: also one behind a conflict (a guard that reports the selected
     * rows that moved, with the abort that ended its transaction as the cause), which would hide it from
     * {@link #endedCallersTransaction}.
     */
    private static TransactionAbortedException abortIn(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_CAUSE_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof TransactionAbortedException a) {
                return a;
            }
        }
        return null;
    }

    /**
     * The conflict or abort that caused this failure, if any. A {@link ConflictHandler} may have translated the
     * conflict into an application exception; such an exception still means "lost a race" as long as it keeps the
     * conflict as its cause.
     */
    private static ConcurrencyException raceIn(Throwable e) {
        int depth = 0;
        // Bounded: a cause chain can loop (A caused by B caused by A), which getCause() does not prevent.
        for (Throwable t = e; t != null && depth < MAX_CAUSE_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof RecordModifiedException || t instanceof TransactionAbortedException) {
                return (ConcurrencyException) t;
            }
        }
        return null;
    }
}
