package io.github.concurrency4j.internal;

import io.github.concurrency4j.TransactionAbortedException;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection of the last abort, in this thread, that ended a transaction of the caller's: what
 * {@code Concurrency.retry} asks before it runs the work again. If that connection is still open and still in a
 * transaction once the failed attempt has returned, the transaction was begun outside the retry: the database has
 * undone everything it wrote, and a new attempt would run in a new transaction that the caller's commit saves,
 * reporting the undone writes saved. An attempt that ran its own transaction has closed its connection (or set
 * auto-commit back) by then.
 */
public final class AbortedTransactions {
    private static final ThreadLocal<Last> LAST = new ThreadLocal<>();

    private AbortedTransactions() {
    }

    private record Last(WeakReference<TransactionAbortedException> abort, WeakReference<Connection> connection) {
    }

    /** Notes the connection of an abort, if the abort ended a transaction of the caller's. */
    static void remember(TransactionAbortedException abort, Connection connection) {
        if (abort.inCallersTransaction() && abort.transactionRolledBack()) {
            LAST.set(new Last(new WeakReference<>(abort), new WeakReference<>(connection)));
        }
    }

    /**
     * Whether this abort ended a transaction of the caller's that is still open on its connection: the caller's
     * transaction encloses the work that failed, and only the caller can run it again.
     */
    public static boolean endedAnEnclosingTransaction(TransactionAbortedException abort) {
        Last last = LAST.get();
        LAST.remove();
        if (last == null || last.abort().get() != abort) {
            return false;
        }
        Connection c = last.connection().get();
        try {
            return c != null && !c.isClosed() && !c.getAutoCommit();
        } catch (SQLException e) {
            // A connection that cannot say is of no use to another attempt either.
            return true;
        }
    }
}
