package io.github.concurrency4j;

import java.sql.SQLException;

/**
 * The database refused or failed a statement for a reason other than a version conflict: a constraint, a type
 * mismatch, a lost connection. The cause is the driver's {@link SQLException}. When the engine ran the statement
 * in a transaction of its own, that transaction was rolled back.
 */
public final class StatementFailedException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed; the driver's message is appended
     * @param cause the driver's exception
     */
    public StatementFailedException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    /**
     * @param advice what to do about it, on a line of its own after the driver's message; empty for none
     */
    public StatementFailedException(String message, SQLException cause, String advice) {
        super(message + ": " + cause.getMessage() + (advice.isEmpty() ? "" : "\n" + advice), cause);
    }

    /** The driver's exception. */
    @Override
    public synchronized SQLException getCause() {
        return (SQLException) super.getCause();
    }

    /** The SQLSTATE the database reported, or {@code null}. */
    public String sqlState() {
        return getCause().getSQLState();
    }
}
