package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller's transaction on a Galera node that another node's commit aborts while it is idle (a brute-force abort:
 * the node's applier takes the row lock the caller's transaction holds and rolls that transaction back). The caller
 * learns of it only at its next statement, which may be the engine's first statement of a bulk write or guarded
 * action. The whole transaction is gone by then, with every write the engine acknowledged in it: the engine must say
 * so ({@link TransactionAbortedException#inCallersTransaction()}), and {@code retry} must not run the work again in a
 * new transaction that the caller's commit would save while the earlier writes are lost.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GaleraCallersTransactionTest {
    private Topology galera;

    @BeforeEach
    void cluster() {
        galera = Topology.galera();
    }

    @AfterEach
    void dropTables() {
        galera.dropCreatedTables();
    }

    private String counterTable(int rows) {
        String t = galera.createTable("galeratx", "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        galera.insertCounters(t, rows);
        for (int node = 0; node < 3; node++) {
            galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
        }
        return t;
    }

    /** Row {@code id}'s hits as node {@code node} has it once it has applied everything committed anywhere. */
    private long hitsAfterSync(int node, String table, long id) throws SQLException {
        try (Connection c = galera.raw(node); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery("SELECT hits FROM " + table + " WHERE id = " + id)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Opens a transaction on node 0, saves row 1 in it through the engine, then has node 1 save row 1 too: node 0
     * applies node 1's commit by aborting the open transaction, which it reports at that transaction's next
     * statement. Runs {@code next} on the open transaction's table, then commits it as a caller would.
     */
    private void afterAnAbortWhileIdle(String t, Consumer<VersionedTable> next) throws Exception {
        Concurrency node0 = Concurrency.builder(galera.node(0)).table(t).build();
        VersionedTable onNode1 = Concurrency.builder(galera.node(1)).table(t).build().table(t);
        try (Connection c = galera.raw(0)) {
            c.setAutoCommit(false);
            VersionedTable inTx = node0.table(t).using(c);
            assertThat(inTx.update(1L, 1L, Map.of("hits", 1))).as("the caller's first write, acknowledged").isEqualTo(2);
            onNode1.update(1L, 1L, Map.of("hits", 100));
            // Node 0 has applied node 1's commit (and so aborted the open transaction) once a causal read there
            // sees it.
            assertThat(hitsAfterSync(0, t, 1)).isEqualTo(100);
            next.accept(inTx);
            c.commit();
        }
    }

    @Test
    void aBulkWriteInACallersTransactionAbortedWhileIdleSaysTheCallersTransactionIsGone() throws Exception {
        String t = counterTable(2);
        Throwable[] outcome = new Throwable[1];
        afterAnAbortWhileIdle(t, inTx -> outcome[0] = catchThrowable(() -> inTx.updateAll(
                List.of(RowChange.of(2L, 1L, Map.of("hits", 5))), BulkPolicy.ABORT_ALL)));
        assertThat(outcome[0]).isInstanceOf(TransactionAbortedException.class);
        TransactionAbortedException abort = (TransactionAbortedException) outcome[0];
        assertThat(abort.inCallersTransaction()).as("abort in the caller's transaction (%s)", abort.getMessage())
                .isTrue();
        assertThat(abort.transactionRolledBack()).isTrue();
        assertThat(hitsAfterSync(0, t, 2)).as("row 2: nothing of the aborted transaction is saved").isZero();
    }

    @Test
    void retryDoesNotRunABulkWriteAgainInANewTransactionAfterTheCallersWasAbortedWhileIdle() throws Exception {
        String t = counterTable(2);
        Concurrency node0 = Concurrency.builder(galera.node(0)).table(t).build();
        RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
        AtomicInteger attempts = new AtomicInteger();
        Throwable[] outcome = new Throwable[1];
        afterAnAbortWhileIdle(t, inTx -> outcome[0] = catchThrowable(() -> node0.retry(quick, () -> {
            attempts.incrementAndGet();
            inTx.updateAll(List.of(RowChange.of(2L, 1L, Map.of("hits", 5))), BulkPolicy.ABORT_ALL);
        })));
        // The caller committed after retry returned: had retry run the bulk write again, its commit would have saved
        // row 2 while the caller's first write (row 1 at 1 hit, acknowledged) was lost with the aborted transaction.
        String seen = "outcome " + (outcome[0] == null ? "none (retry returned)" : outcome[0].getClass().getSimpleName())
                + ", attempts " + attempts.get() + ", row 1 " + hitsAfterSync(0, t, 1) + " hits, row 2 "
                + hitsAfterSync(0, t, 2) + " hits";
        assertThat(seen).as("after the caller's commit: node 1's save of row 1 alone")
                .isEqualTo("outcome TransactionAbortedException, attempts 1, row 1 100 hits, row 2 0 hits");
    }

    @Test
    void aGuardInACallersTransactionAbortedWhileIdleSaysTheCallersTransactionIsGone() throws Exception {
        String t = counterTable(2);
        Throwable[] outcome = new Throwable[1];
        afterAnAbortWhileIdle(t, inTx -> outcome[0] = catchThrowable(() -> inTx.guard(
                List.of(Identity.of(2L, 1L)), c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("UPDATE " + t + " SET hits = 7 WHERE id = 2");
                    }
                })));
        assertThat(outcome[0]).isInstanceOf(TransactionAbortedException.class);
        TransactionAbortedException abort = (TransactionAbortedException) outcome[0];
        assertThat(abort.inCallersTransaction()).as("abort in the caller's transaction (%s)", abort.getMessage())
                .isTrue();
        assertThat(hitsAfterSync(0, t, 2)).as("row 2: nothing of the aborted transaction is saved").isZero();
    }

    @Test
    void retryDoesNotRunAGuardAgainAfterAnotherNodesCommitAbortedTheCallersTransactionDuringTheAction()
            throws Exception {
        String t = counterTable(2);
        Concurrency node0 = Concurrency.builder(galera.node(0)).table(t).build();
        VersionedTable onNode1 = Concurrency.builder(galera.node(1)).table(t).build().table(t);
        RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
        AtomicInteger attempts = new AtomicInteger();
        Throwable outcome;
        try (Connection c = galera.raw(0)) {
            c.setAutoCommit(false);
            VersionedTable inTx = node0.table(t).using(c);
            assertThat(inTx.update(1L, 1L, Map.of("hits", 1))).as("the caller's first write, acknowledged").isEqualTo(2);
            outcome = catchThrowable(() -> node0.retry(quick, () -> {
                attempts.incrementAndGet();
                Identity selected = inTx.find(2L).orElseThrow().identity();
                inTx.guard(List.of(selected), tx -> {
                    if (attempts.get() == 1) {
                        // Node 1 saves the selected row, which the guard's check has locked on node 0 only: node 0
                        // applies that commit by aborting the caller's transaction.
                        // (On a thread of its own, so that retry does not count it as a save of this attempt's.)
                        CompletableFuture.runAsync(() -> onNode1.update(2L, 1L, Map.of("hits", 100))).join();
                        assertThat(hitsAfterSync(0, t, 2)).isEqualTo(100);
                    }
                    try (Statement s = tx.createStatement()) {
                        return s.executeUpdate("UPDATE " + t + " SET hits = hits + 7 WHERE id = 2");
                    }
                });
            }));
            c.commit();
        }
        String seen = "outcome " + (outcome == null ? "none (retry returned)" : outcome.getClass().getSimpleName())
                + ", attempts " + attempts.get() + ", row 1 " + hitsAfterSync(0, t, 1) + " hits, row 2 "
                + hitsAfterSync(0, t, 2) + " hits";
        assertThat(seen).as("after the caller's commit: node 1's save of row 2 alone")
                .isEqualTo("outcome TransactionAbortedException, attempts 1, row 1 0 hits, row 2 100 hits");
        assertThat(((TransactionAbortedException) outcome).inCallersTransaction()).isTrue();
    }
}
