package io.github.concurrency4j.internal;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.ConcurrencyException;
import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.ConflictHandler;
import io.github.concurrency4j.ConnectionSource;
import io.github.concurrency4j.StatementFailedException;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The settings and shared machinery of one {@link io.github.concurrency4j.Concurrency}. */
public final class Engine {
    /** Timestamp versions count microseconds from here. */
    public static final Instant TIMESTAMP_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final ConnectionSource connections;
    private final Dialect dialect;
    private final boolean enabled;
    private final boolean versionRequired;
    private final ConflictHandler conflictHandler;
    private final Clock clock;
    private final BulkPolicy bulkPolicy;
    private final ConcurrencyListener listener;
    private final DisableState disableState = new DisableState();

    public Engine(ConnectionSource connections, Dialect dialect, boolean enabled, boolean versionRequired,
                  ConflictHandler conflictHandler, Clock clock, BulkPolicy bulkPolicy, ConcurrencyListener listener) {
        this.connections = connections;
        this.dialect = dialect;
        this.enabled = enabled;
        this.versionRequired = versionRequired;
        this.conflictHandler = conflictHandler;
        this.clock = clock;
        this.bulkPolicy = bulkPolicy;
        this.listener = listener;
    }

    /** Hears the events operators count (its exceptions are already logged and dropped). */
    public ConcurrencyListener listener() {
        return listener;
    }

    public BulkPolicy bulkPolicy() {
        return bulkPolicy;
    }

    public ConnectionSource connections() {
        return connections;
    }

    public Dialect dialect() {
        return dialect;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean versionRequired() {
        return versionRequired;
    }

    public ConflictHandler conflictHandler() {
        return conflictHandler;
    }

    public Clock clock() {
        return clock;
    }

    public DisableState disableState() {
        return disableState;
    }

    /** Microseconds since {@link #TIMESTAMP_EPOCH} by the engine's clock. */
    public long nowMicros() {
        return ChronoUnit.MICROS.between(TIMESTAMP_EPOCH, clock.instant());
    }

    /** Work on one connection. */
    @FunctionalInterface
    public interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs work on a connection from the source and gives the connection back.
     *
     * @param what for the error message, such as "update product 42"
     */
    public static <T> T withConnection(ConnectionSource source, String what, ConnectionWork<T> work) {
        return withConnection(source, what, null, work);
    }

    /**
     * Like {@link #withConnection(ConnectionSource, String, ConnectionWork)}, for an operation on one row: the
     * message "action key" is only built when something fails, so the happy path does no string work.
     */
    public static <T> T withConnection(ConnectionSource source, String action, Object key, ConnectionWork<T> work) {
        return run(null, source, action, key, work);
    }

    /**
     * Like {@link #withConnection(ConnectionSource, String, Object, ConnectionWork)}, and a failure that this
     * engine's dialect classifies as an abort becomes a {@link io.github.concurrency4j.TransactionAbortedException}.
     */
    public <T> T write(ConnectionSource source, String action, Object key, ConnectionWork<T> work) {
        return run(dialect, source, action, key, false, work);
    }

    /**
     * {@link #write} for work that changes a row when it returns normally (an update, delete, insert or restore):
     * where it ran in a transaction of its own, the change is counted as saved for good ({@link SavedWrites}).
     */
    public <T> T save(ConnectionSource source, String action, Object key, ConnectionWork<T> work) {
        return run(dialect, source, action, key, true, work);
    }

    private static <T> T run(Dialect dialect, ConnectionSource source, String action, Object key,
                             ConnectionWork<T> work) {
        return run(dialect, source, action, key, false, work);
    }

    private static <T> T run(Dialect dialect, ConnectionSource source, String action, Object key, boolean saves,
                             ConnectionWork<T> work) {
        Connection c;
        try {
            c = source.acquire();
        } catch (SQLException e) {
            throw new StatementFailedException("Could not get a connection to " + describe(action, key), e);
        }
        try {
            T result = work.run(c);
            if (saves) {
                // The driver answers getAutoCommit from its own state, no round trip.
                if (inCallersTransaction(c)) {
                    SavedWrites.noteInCallersTransaction(c);
                } else {
                    // Auto-commit: the write is committed.
                    SavedWrites.note();
                }
            }
            return result;
        } catch (SQLException e) {
            // Read only on failure: inTransaction has restored auto-commit when the transaction was its own.
            ConcurrencyException failure = Failures.of(dialect, describe(action, key), scopeOf(dialect, c, e), e);
            if (failure instanceof TransactionAbortedException abort) {
                AbortedTransactions.remember(abort, c);
            }
            throw failure;
        } catch (TransactionAbortedException abort) {
            // A bulk write's abort, already worded for whose transaction it ran in.
            AbortedTransactions.remember(abort, c);
            throw abort;
        } finally {
            try {
                source.release(c);
            } catch (SQLException ignored) {
                // The work is done or has failed already; a failed release must not hide its outcome.
            }
        }
    }

    /**
     * Where failed work ran, as its error message must say: a failed statement in the caller's transaction that the
     * database aborted whole (PostgreSQL, on any error) leaves the caller a transaction that can only roll back.
     */
    static Failures.Scope scopeOf(Dialect dialect, Connection c, SQLException e) {
        if (!inCallersTransaction(c)) {
            return Failures.Scope.OWN;
        }
        if (dialect != null && dialect.abortOf(e) == null) {
            try {
                if (dialect.transactionAborted(c)) {
                    return Failures.Scope.CALLERS_ABORTED;
                }
            } catch (SQLException unknown) {
                // The plain wording then: the driver's message is still there.
            }
        }
        return Failures.Scope.CALLERS;
    }

    private static boolean inCallersTransaction(Connection c) {
        try {
            return !c.getAutoCommit();
        } catch (SQLException e) {
            // A connection too broken to answer has no transaction left to keep.
            return false;
        }
    }

    private static String describe(String action, Object key) {
        return key == null ? action : action + " " + key;
    }

    /**
     * Runs one statement's work so that its failure undoes all it did, for a database whose failed statement can
     * leave changes behind: in a transaction of its own in auto-commit mode, else under a savepoint in the caller's
     * transaction, rolled back to on failure. The caller's transaction stays open either way.
     */
    public static <T> T undoneOnFailure(Connection c, ConnectionWork<T> work) throws SQLException {
        if (c.getAutoCommit()) {
            return inTransaction(c, work);
        }
        Savepoint savepoint = c.setSavepoint();
        T result;
        try {
            result = work.run(c);
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback(savepoint);
            } catch (SQLException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        try {
            c.releaseSavepoint(savepoint);
        } catch (SQLFeatureNotSupportedException ignored) {
            // The savepoint then lives until the caller's transaction ends, which is harmless.
        }
        return result;
    }

    /**
     * Runs work in a transaction: its own when the connection is in auto-commit (committed on success, rolled
     * back on any failure), or the caller's when one is open (left for the caller to end).
     */
    public static <T> T inTransaction(Connection c, ConnectionWork<T> work) throws SQLException {
        if (!c.getAutoCommit()) {
            return work.run(c);
        }
        c.setAutoCommit(false);
        boolean done = false;
        try {
            T result = work.run(c);
            c.commit();
            done = true;
            return result;
        } finally {
            if (!done) {
                try {
                    c.rollback();
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // The original failure (often a dead connection) is what the caller needs to see.
                }
            } else {
                c.setAutoCommit(true);
            }
        }
    }
}
