package io.github.concurrency4j;

import io.github.concurrency4j.internal.AbortedTransactions;
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
            try {
                return work.get();
            } catch (RuntimeException e) {
                ConcurrencyException cause = raceIn(e);
                if ((cause == null && !policy.retriesAlso(e)) || attempt >= policy.maxAttempts()
                        || endedCallersTransaction(cause)) {
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
    }

    /**
     * Whether the database rolled back a transaction of the caller's that encloses the retry (its connection is still
     * open and in a transaction after the attempt): the writes it made before the attempt are gone, and an attempt on
     * the same connection would run in a new transaction that the caller's commit saves, reporting the lost writes
     * saved. Only the caller can run its transaction again. A transaction the attempt began and ended is no obstacle.
     */
    private static boolean endedCallersTransaction(ConcurrencyException cause) {
        return cause instanceof TransactionAbortedException a && a.inCallersTransaction() && a.transactionRolledBack()
                && AbortedTransactions.endedAnEnclosingTransaction(a);
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
