package io.github.concurrency4j.internal;

import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the current thread's writes left behind, as {@code Concurrency.retry} asks after a failed attempt: how many
 * it committed in transactions of their own (a write in auto-commit, a bulk write or guarded action in the engine's
 * own transaction), and, while a retry runs, on which connections it wrote inside a caller's transaction. An attempt
 * that lost a race after a write committed on its own has saved part of its work for good; one that lost it after a
 * write in a caller's transaction that is still open has left that write in the transaction, and the caller's commit
 * saves it. Running either attempt again would make the write a second time. A write in a transaction that has
 * ended by then (rolled back and closed, or auto-commit set back) is not counted: that transaction decided what of
 * it is kept.
 */
public final class SavedWrites {
    private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);
    private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();

    /** The connections written on in callers' transactions during the retries running on this thread. */
    private static final class Pending {
        int retries;
        final List<WeakReference<Connection>> connections = new ArrayList<>();
    }

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

    /**
     * Notes a write on this connection inside a caller's transaction, when a retry runs on this thread (otherwise
     * nobody asks, and nothing is kept).
     */
    static void noteInCallersTransaction(Connection c) {
        Pending p = PENDING.get();
        if (p != null) {
            int last = p.connections.size() - 1;
            // One entry per run of writes on the same connection: what is asked is whether its transaction is open.
            if (last < 0 || p.connections.get(last).get() != c) {
                p.connections.add(new WeakReference<>(c));
            }
        }
    }

    /**
     * Starts listening for writes in callers' transactions, before an attempt of a retry.
     *
     * @return the mark to pass to {@link #stillInOpenTransactionSince}
     */
    public static int beginAttempt() {
        Pending p = PENDING.get();
        if (p == null) {
            p = new Pending();
            PENDING.set(p);
        }
        p.retries++;
        return p.connections.size();
    }

    /**
     * Whether a write since the mark was made inside a caller's transaction that is still open on its connection
     * (not closed, auto-commit still off): a write the failed attempt left for the caller's commit to save.
     */
    public static boolean stillInOpenTransactionSince(int mark) {
        Pending p = PENDING.get();
        for (int i = mark; p != null && i < p.connections.size(); i++) {
            Connection c = p.connections.get(i).get();
            try {
                if (c != null && !c.isClosed() && !c.getAutoCommit()) {
                    return true;
                }
            } catch (SQLException e) {
                // A connection that cannot answer may still hold the write: so that it is not made twice, it counts.
                return true;
            }
        }
        return false;
    }

    /**
     * Stops listening for the attempt that began at the mark. The writes are kept while an enclosing retry runs
     * (its attempt made them too) and forgotten when the outermost one ends.
     */
    public static void endAttempt() {
        Pending p = PENDING.get();
        if (p != null && --p.retries == 0) {
            PENDING.remove();
        }
    }
}
