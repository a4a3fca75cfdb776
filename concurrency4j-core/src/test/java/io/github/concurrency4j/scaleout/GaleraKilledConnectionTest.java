package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.StatementFailedException;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Galera node's session killed ({@code KILL CONNECTION}, as an operator or a failing-over proxy does) while a bulk
 * write runs its statements one by one there: the call must fail with an error that claims nothing saved, the
 * table must hold none of its rows, and the engine must go on working with its pool's other connections.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GaleraKilledConnectionTest {
    private static final int ROWS = 400;

    private Topology galera;

    @BeforeEach
    void cluster() {
        galera = Topology.galera();
    }

    @AfterEach
    void dropTables() {
        galera.dropCreatedTables();
    }

    private String counterTable() {
        String t = galera.createTable("galerakill", "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        galera.insertCounters(t, ROWS);
        for (int node = 0; node < 3; node++) {
            galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
        }
        return t;
    }

    private long changedRows(int node, String t) throws SQLException {
        try (Connection c = galera.raw(node); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t + " WHERE version <> 1 OR hits <> 0")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<RowChange> everyRowPlusOne(long version) {
        List<RowChange> changes = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            changes.add(RowChange.of(id, version, Map.of("hits", version)));
        }
        return changes;
    }

    /** Kills, on node 0, the session that is running an UPDATE of {@code t}, as soon as one shows up. */
    private CompletableFuture<Long> killTheWriterOf(String t) {
        return CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try (Connection c = galera.raw(0); Statement s = c.createStatement()) {
                while (System.nanoTime() < deadline) {
                    try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO "
                            + "LIKE 'UPDATE `" + t + "`%' AND ID <> CONNECTION_ID()")) {
                        if (rs.next()) {
                            long id = rs.getLong(1);
                            s.execute("KILL CONNECTION " + id);
                            return id;
                        }
                    }
                }
                return -1L;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SKIP_CONFLICTS", "ABORT_ALL"})
    void aSessionKilledMidBatchFailsTheCallWithNothingSavedAndTheEngineGoesOn(BulkPolicy policy) throws Exception {
        String t = counterTable();
        VersionedTable table = Concurrency.builder(galera.node(0, "useBulkStmts=true")).table(t).build().table(t);
        // The first bulk write finds that the driver's counts prove nothing on Galera; later ones run row by row.
        table.updateAll(List.of(RowChange.of(1L, 1L, Map.of("hits", 0))), policy);
        galera.execute(0, "UPDATE " + t + " SET version = 1 WHERE id = 1");

        CompletableFuture<Long> killer = killTheWriterOf(t);
        Throwable outcome = catchThrowable(() -> table.updateAll(everyRowPlusOne(1), policy));
        long killed = killer.get(30, TimeUnit.SECONDS);

        assertThat(killed).as("a session of the engine's was killed mid-batch").isPositive();
        assertThat(outcome).as("the call's outcome").isInstanceOf(StatementFailedException.class);
        assertThat(outcome.getMessage()).contains("nothing was saved").doesNotContain("may or may not");
        assertThat(changedRows(0, t)).as("rows of the killed call in the table (node 0)").isZero();
        assertThat(changedRows(2, t)).as("rows of the killed call in the table (node 2)").isZero();

        BulkResult again = table.updateAll(everyRowPlusOne(1), policy);
        assertThat(again.saved()).as("the same call again, on another connection").hasSize(ROWS);
        assertThat(changedRows(1, t)).isEqualTo(ROWS);
    }

    @Test
    void aSessionKilledMidBatchInACallersTransactionSavesNothingOfThatTransaction() throws Exception {
        String t = counterTable();
        VersionedTable table = Concurrency.builder(galera.node(0)).table(t).build().table(t);
        Throwable outcome;
        CompletableFuture<Long> killer;
        try (Connection c = galera.raw(0)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET hits = 99 WHERE id = " + ROWS);
            }
            killer = killTheWriterOf(t);
            outcome = catchThrowable(() -> table.using(c).updateAll(everyRowPlusOne(1).subList(0, ROWS - 1),
                    BulkPolicy.ABORT_ALL));
            // A caller that commits anyway saves nothing: the session and its transaction are gone.
            catchThrowable(c::commit);
        }
        assertThat(killer.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(outcome).isInstanceOf(StatementFailedException.class);
        assertThat(outcome.getMessage()).contains("connection was lost")
                .contains("nor of the rest of the caller's transaction was saved").doesNotContain("may or may not");
        assertThat(changedRows(1, t)).as("rows of the killed transaction in the table").isZero();
    }
}
