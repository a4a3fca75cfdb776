package io.github.concurrency4j.internal;

import io.github.concurrency4j.ConcurrencyException;
import io.github.concurrency4j.StatementFailedException;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.dialect.Dialect;
import java.sql.SQLException;

/**
 * Turns a driver's {@link SQLException} into the exception the engine throws: a {@link TransactionAbortedException}
 * when the dialect classifies it as an abort, a {@link StatementFailedException} otherwise. Each message says what
 * became of the data, which depends on whose transaction the work ran in.
 */
final class Failures {
    private Failures() {
    }

    /** Where the failed work ran. */
    enum Scope {
        /** In auto-commit, or in a transaction the engine began and has rolled back. */
        OWN,
        /** In a transaction of the caller's that is still the caller's to end. */
        CALLERS,
        /**
         * In a transaction of the caller's that the failed statement aborted whole (PostgreSQL): every later
         * statement in it fails and its commit only rolls back.
         */
        CALLERS_ABORTED
    }

    /**
     * @param what what failed, completing "Could not ...", such as "update product 42"
     */
    static ConcurrencyException of(Dialect dialect, String what, Scope scope, SQLException e) {
        Dialect.Abort abort = dialect == null ? null : dialect.abortOf(e);
        if (abort == null) {
            String state = e.getSQLState();
            if (scope == Scope.OWN && state != null && state.startsWith("23")) {
                // SQLSTATE class 23, integrity constraint violation: the database refused the work, also when a
                // deferred constraint refuses it at commit, and rolled back what it had done.
                return new StatementFailedException("Could not " + what + ": the database refused it because it "
                        + "breaks a constraint of the table, so nothing of it was saved; correct the values and "
                        + "save again", e);
            }
            if (scope == Scope.OWN && state != null && state.startsWith("22")) {
                // SQLSTATE class 22, data exception: a value of the wrong type, too long or out of range. The
                // statement wrote nothing, and the engine's own transaction, if any, was rolled back.
                return new StatementFailedException("Could not " + what + ": the database refused a value that does "
                        + "not fit its column, so nothing of it was saved", e, dialect == null ? "" : dialect.adviceFor(e));
            }
            if (scope == Scope.CALLERS_ABORTED) {
                return new StatementFailedException("Could not " + what + ": the database refused the statement"
                        + (state != null && state.startsWith("23") ? " because it breaks a constraint of the table"
                        : "") + " and aborted the transaction it ran in, yours: every further statement in it fails "
                        + "and its commit only rolls back, so nothing of that transaction can be saved. Roll it back "
                        + "and run it again", e, dialect == null ? "" : dialect.adviceFor(e));
            }
            return new StatementFailedException("Could not " + what, e, dialect == null ? "" : dialect.adviceFor(e));
        }
        return new TransactionAbortedException(aborted(what, abort, scope), abort.transactionRolledBack(),
                scope != Scope.OWN, e);
    }

    /** The message of an abort that the database reported while the work ran. */
    static String aborted(String what, Dialect.Abort abort, Scope scope) {
        String head = "The database aborted the attempt to " + what + " because of " + abort.reason() + ". ";
        if (scope == Scope.OWN) {
            return head + "Nothing of it was saved. Read the row again and repeat the write; Concurrency.retry "
                    + "does this by default.";
        }
        if (abort.transactionRolledBack()) {
            return head + "The database rolled back the whole transaction it ran in, so nothing of that "
                    + "transaction was saved. Run the transaction again from a fresh read.";
        }
        return head + "The database undid this statement, so nothing of it was saved, but the transaction it ran in "
                + "is still open: roll it back and run it again from a fresh read.";
    }

    /** The message of an abort that the database reported when asked to commit: nothing was saved. */
    static String abortedAtCommit(String what, Dialect.Abort abort) {
        return "The database refused to commit the transaction to " + what + " because of " + abort.reason()
                + " and rolled it back: nothing of it was saved. Read the rows again and repeat the write; "
                + "Concurrency.retry does this by default.";
    }
}
