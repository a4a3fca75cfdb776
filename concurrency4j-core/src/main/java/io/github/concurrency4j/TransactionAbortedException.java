package io.github.concurrency4j;

import java.sql.SQLException;

/**
 * The database aborted the write's transaction, or its statement, to keep transactions apart: a serialization
 * failure, a deadlock, a lock wait timeout, a Galera certification failure. Nothing of what was aborted was saved,
 * and running the work again, from a fresh read, is safe: {@link Concurrency#retry(RetryPolicy,
 * java.util.function.Supplier) retry} does so by default.
 *
 * <p>It is not a {@link RecordModifiedException}: that one names a row and the version that row is at now, read
 * after the refusal. An abort names no row: the database reports which transaction lost, not which of its rows
 * caused it (a deadlock victim may have lost on a row it never wrote), and the engine cannot read the row again in
 * a transaction the database has just ended. Handle both as "someone else got there first; reload and try again";
 * catch {@link ConcurrencyException} for both, or this type for the abort alone.
 *
 * <p>Whether the database rolled back the whole transaction or only the failed statement depends on the database
 * ({@link #transactionRolledBack()}): PostgreSQL, a MariaDB/InnoDB deadlock and a Galera certification failure end
 * the whole transaction; an InnoDB lock wait timeout (by default) and H2 and SQLite lock failures undo only the
 * statement. When the engine ran the write in a transaction of its own, that transaction was rolled back either
 * way. In a transaction of the caller's, the caller decides: roll it back and run it again.
 *
 * <p>{@link Concurrency#retry(RetryPolicy, java.util.function.Supplier) retry} does not run the work again after an
 * abort that ended a transaction of the caller's ({@link #inCallersTransaction()} and {@link #transactionRolledBack()})
 * begun outside the retry (its connection still open and in a transaction once the attempt has failed): the writes the
 * transaction made before the abort are gone, and an attempt on the same connection would run in a new transaction
 * whose commit reports them saved. Put the retry around the whole transaction instead.
 */
public final class TransactionAbortedException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** Whether the database rolled back the whole transaction, not only the statement. */
    private final boolean transactionRolledBack;
    /** Whether the work ran in a transaction of the caller's. */
    private final boolean inCallersTransaction;

    /**
     * An abort of work that ran in a transaction of its own (or in auto-commit).
     *
     * @param message what was aborted and what became of it
     * @param transactionRolledBack whether the database rolled back the whole transaction, not only the statement
     * @param cause the driver's exception
     */
    public TransactionAbortedException(String message, boolean transactionRolledBack, SQLException cause) {
        this(message, transactionRolledBack, false, cause);
    }

    /**
     * @param message what was aborted and what became of it
     * @param transactionRolledBack whether the database rolled back the whole transaction, not only the statement
     * @param inCallersTransaction whether the work ran in a transaction of the caller's, which the caller ends
     * @param cause the driver's exception
     */
    public TransactionAbortedException(String message, boolean transactionRolledBack, boolean inCallersTransaction,
                                       SQLException cause) {
        super(message + " [SQLState " + cause.getSQLState() + ", error " + cause.getErrorCode() + ": "
                + cause.getMessage() + "]", cause);
        this.transactionRolledBack = transactionRolledBack;
        this.inCallersTransaction = inCallersTransaction;
    }

    /** The driver's exception. */
    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }

    /** The SQLSTATE the database reported, such as {@code 40001}, or {@code null}. */
    public String sqlState() {
        return getCause().getSQLState();
    }

    /** The database's own error code, such as {@code 1213} for an InnoDB deadlock; 0 when it gave none. */
    public int vendorCode() {
        return getCause().getErrorCode();
    }

    /**
     * Whether the database rolled back the whole transaction (a deadlock, a serialization or certification failure),
     * rather than only the statement that failed (a lock wait timeout on InnoDB, H2 or SQLite). Either way nothing
     * of the aborted write was saved.
     */
    public boolean transactionRolledBack() {
        return transactionRolledBack;
    }

    /**
     * Whether the aborted work ran in a transaction of the caller's ({@code table.using(connection)} after
     * {@code setAutoCommit(false)}, a {@code @Transactional} method), rather than in auto-commit or a transaction the
     * engine began and ended itself. With {@link #transactionRolledBack()} it means that everything the caller's
     * transaction wrote before the abort is gone too: only running the whole transaction again can repeat it.
     */
    public boolean inCallersTransaction() {
        return inCallersTransaction;
    }
}
