package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection dies in the middle of an ABORT_ALL batch: the batch is waiting on a row lock that another session
 * holds when a third session kills its connection. Nothing may be saved, and the error must say so.
 */
class BulkFaultTest {
    private static final int ROWS = 100;
    private static final long LOCKED_ROW = 60;

    @ServerDatabases
    void aConnectionKilledMidBatchSavesNothingAndTheErrorSaysTheBatchWasRolledBack(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        var before = BulkFixtures.snapshot(db, t);

        Throwable failure;
        try (Connection blocker = db.rawConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET stock = stock WHERE id = " + LOCKED_ROW);
            }
            CompletableFuture<BulkResult> batch = CompletableFuture.supplyAsync(
                    () -> items.updateAll(BulkFixtures.priceChanges(ROWS, 10), BulkPolicy.ABORT_ALL));
            try (Connection killer = db.rawConnection()) {
                // Rows 1..59 are updated by now; the batch waits on row 60.
                long victim = waitingSession(killer, t);
                kill(killer, db, victim);
            }
            failure = batch.handle((r, e) -> e).get(60, TimeUnit.SECONDS);
            blocker.rollback();
        }

        assertThat(failure).isNotNull();
        Throwable cause = failure.getCause() instanceof StatementFailedException ? failure.getCause() : failure;
        assertThat(cause).isInstanceOf(StatementFailedException.class)
                .hasMessageContaining("Could not update 100 rows of " + t + " (ABORT_ALL)")
                // PostgreSQL first runs the statement alone in auto-commit, and kills can land there ("the database
                // ended the session ... before it committed, so nothing was saved") or in the transaction after it.
                .hasMessageContaining("nothing was saved");
        assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);
        // The pool replaced the dead connection: the table works again.
        assertThat(items.updateAll(BulkFixtures.priceChanges(ROWS, 10), BulkPolicy.ABORT_ALL).saved()).hasSize(ROWS);
    }

    /** The id of the session whose UPDATE on the table waits for a lock. */
    private static long waitingSession(Connection c, String table) throws Exception {
        String pg = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE \""
                + table + "\" %'";
        // MariaDB's bulk statement joins the table after the rows: UPDATE (WITH v ...) STRAIGHT_JOIN `table` ...
        String maria = "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE %`" + table
                + "`%' AND ID <> CONNECTION_ID()";
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(postgres ? pg : maria)) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("The batch never waited on the locked row");
    }

    private static void kill(Connection c, TestDatabase db, long session) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (db.name().equals("postgresql")) {
                s.executeQuery("SELECT pg_terminate_backend(" + session + ")").close();
            } else {
                s.execute("KILL CONNECTION " + session);
            }
        }
    }
}
