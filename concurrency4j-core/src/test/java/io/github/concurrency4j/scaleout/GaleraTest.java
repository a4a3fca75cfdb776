package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyException;
import io.github.concurrency4j.GuardedAction;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.dialect.MariaDbDialect;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Writers on all three nodes of a MariaDB Galera cluster ({@code scripts/galera}). Galera replicates no row locks
 * and reports a lost cross-node race at commit as a certification failure (1213 / 40001), so every outcome here is
 * checked against the table itself, read after the run with causality ({@code wsrep_sync_wait}): what the API
 * acknowledged is exactly what is stored, and every reported conflict names a row that really moved.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GaleraTest {
    private static final long RUN_MILLIS = 3_000;
    private static final int NODES = 3;

    private Topology galera;

    @BeforeEach
    void cluster() {
        galera = Topology.galera();
    }

    @AfterEach
    void dropTables() {
        galera.dropCreatedTables();
    }

    private Concurrency engine(int node, String options, String table) {
        return Concurrency.builder(galera.node(node, options)).table(table).build();
    }

    private String counterTable(int rows) {
        String t = galera.createTable("galera", "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, "
                + "status VARCHAR(20) NOT NULL DEFAULT 'new', version BIGINT NOT NULL");
        galera.insertCounters(t, rows);
        // Writes replicate synchronously but apply asynchronously: wait until every node has the rows.
        for (int node = 0; node < NODES; node++) {
            galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
        }
        return t;
    }

    /** Reads every row's hits on node 0 after the node has applied everything committed anywhere. */
    private Map<Long, Long> hitsAfterSync(String table) throws SQLException {
        Map<Long, Long> hits = new HashMap<>();
        try (Connection c = galera.raw(0); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery("SELECT id, hits FROM " + table)) {
                while (rs.next()) {
                    hits.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return hits;
    }

    private static long hits(Row row) {
        return ((Number) row.get("hits")).longValue();
    }

    /** Runs {@code work} on {@code threadsPerNode} threads per node until the run time is over. */
    private static void onEveryNode(int threadsPerNode, NodeWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(NODES * threadsPerNode);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int n = 0; n < NODES; n++) {
                int node = n;
                for (int t = 0; t < threadsPerNode; t++) {
                    futures.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline) {
                            work.once(node);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get(RUN_MILLIS + 30_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface NodeWork {
        void once(int node) throws Exception;
    }

    @Test
    void aGaleraNodeIsDetectedAtBuild() {
        String t = counterTable(1);
        assertThat(engine(1, "", t).dialect()).isSameAs(MariaDbDialect.GALERA);
        assertThat(MariaDbDialect.GALERA.rowLocksAreNodeLocal()).isTrue();
        assertThat(MariaDbDialect.INSTANCE.rowLocksAreNodeLocal()).isFalse();
    }

    @Test
    void counterThroughRetryOnAllThreeNodesLosesNothingAndNoAbortEscapesRetry() throws Exception {
        String t = counterTable(1);
        Concurrency[] engines = {engine(0, "", t), engine(1, "", t), engine(2, "", t)};
        // Twelve writers on one row: a generous attempt budget, so that only a misclassified abort escapes.
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(200).initialDelayMillis(1).maxDelayMillis(20).build();
        AtomicLong acknowledged = new AtomicLong();
        List<Throwable> escaped = Collections.synchronizedList(new ArrayList<>());

        onEveryNode(4, node -> {
            VersionedTable counters = engines[node].table(t);
            try {
                engines[node].retry(policy, () -> {
                    Row row = counters.find(1).orElseThrow();
                    counters.update(1, row.version(), Map.of("hits", hits(row) + 1));
                });
                acknowledged.incrementAndGet();
            } catch (ConcurrencyException e) {
                escaped.add(e);
            }
        });

        assertThat(acknowledged.get()).as("increments acknowledged").isPositive();
        assertThat(hitsAfterSync(t).get(1L)).as("stored hits == acknowledged increments").isEqualTo(acknowledged.get());
        assertThat(escaped).as("exceptions that escaped retry (first: %s)",
                escaped.isEmpty() ? "none" : escaped.get(0)).isEmpty();
    }

    @ParameterizedTest(name = "{0}, useBulkStmts={1}")
    @CsvSource({"SKIP_CONFLICTS, false", "SKIP_CONFLICTS, true", "ABORT_ALL, false", "ABORT_ALL, true"})
    void updateAllFromThreeNodesStoresExactlyWhatItReportsSaved(BulkPolicy policy, boolean bulkStmts)
            throws Exception {
        int rows = 10;
        String t = counterTable(rows);
        String options = "useBulkStmts=" + bulkStmts;
        Concurrency[] engines = {engine(0, options, t), engine(1, options, t), engine(2, options, t)};
        AtomicLongArray acknowledged = new AtomicLongArray(rows + 1);
        AtomicLong calls = new AtomicLong();
        AtomicLong aborted = new AtomicLong();
        List<String> fakeConflicts = Collections.synchronizedList(new ArrayList<>());
        List<String> wrongVersions = Collections.synchronizedList(new ArrayList<>());

        onEveryNode(2, node -> {
            VersionedTable table = engines[node].table(t);
            List<RowChange> changes = new ArrayList<>();
            Map<Object, Long> readAt = new HashMap<>();
            for (long id : ThreadLocalRandom.current().longs(1, rows + 1).distinct().limit(3).toArray()) {
                Row row = table.find(id).orElseThrow();
                readAt.put(row.key(), row.version());
                changes.add(RowChange.of(row, Map.of("hits", hits(row) + 1)));
            }
            calls.incrementAndGet();
            try {
                BulkResult result = table.updateAll(changes, policy);
                for (Identity saved : result.saved()) {
                    acknowledged.incrementAndGet(((Number) saved.key()).intValue());
                    if (saved.version() != readAt.get(saved.key()) + 1) {
                        wrongVersions.add(saved + " read at " + readAt.get(saved.key()));
                    }
                }
                checkReal(result.conflicts(), fakeConflicts);
            } catch (BulkConflictException e) {
                checkReal(e.conflicts(), fakeConflicts);
            } catch (ConcurrencyException e) {
                if (e instanceof RecordModifiedException) {
                    throw e;
                }
                aborted.incrementAndGet();
            }
        });

        Map<Long, Long> stored = hitsAfterSync(t);
        List<String> mismatches = new ArrayList<>();
        for (long id = 1; id <= rows; id++) {
            if (stored.get(id) != acknowledged.get((int) id)) {
                mismatches.add("row " + id + ": stored " + stored.get(id) + ", acknowledged "
                        + acknowledged.get((int) id));
            }
        }
        assertThat(calls.get() - aborted.get()).as("calls that completed").isPositive();
        assertThat(mismatches).as("rows whose stored hits differ from the acknowledged increments").isEmpty();
        assertThat(fakeConflicts).as("conflicts reported for a row still at the version read").isEmpty();
        assertThat(wrongVersions).as("saved rows reported at a version other than read + 1").isEmpty();
    }

    private static void checkReal(List<RecordModifiedException> conflicts, List<String> fakes) {
        for (RecordModifiedException c : conflicts) {
            if (!c.isDeleted() && c.currentVersion().orElseThrow() == c.expectedVersion()) {
                fakes.add(c.key() + " at " + c.expectedVersion());
            }
        }
    }

    @ParameterizedTest(name = "{0}, useBulkStmts={1}")
    @CsvSource({"SKIP_CONFLICTS, false", "SKIP_CONFLICTS, true", "ABORT_ALL, false", "ABORT_ALL, true"})
    void deleteAllRacingUpdatesOnOtherNodesDeletesExactlyWhatItReports(BulkPolicy policy, boolean bulkStmts)
            throws Exception {
        int rows = 60;
        String t = counterTable(rows);
        String options = "useBulkStmts=" + bulkStmts;
        Concurrency[] engines = {engine(0, options, t), engine(1, options, t), engine(2, options, t)};
        AtomicLongArray acknowledged = new AtomicLongArray(rows + 1);
        Set<Object> reportedDeleted = ConcurrentHashMap.newKeySet();
        List<String> fakeConflicts = Collections.synchronizedList(new ArrayList<>());

        onEveryNode(2, node -> {
            VersionedTable table = engines[node].table(t);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (node == 2) {
                // The deleter: versions read a moment ago, often already stale by the time the batch runs.
                List<Identity> doomed = new ArrayList<>();
                for (long id : random.longs(1, rows + 1).distinct().limit(3).toArray()) {
                    table.find(id).ifPresent(r -> doomed.add(r.identity()));
                }
                Thread.sleep(random.nextInt(3));
                try {
                    BulkResult result = table.deleteAll(doomed, policy);
                    result.saved().forEach(i -> reportedDeleted.add(((Number) i.key()).longValue()));
                    checkReal(result.conflicts(), fakeConflicts);
                } catch (BulkConflictException e) {
                    checkReal(e.conflicts(), fakeConflicts);
                } catch (ConcurrencyException e) {
                    if (e instanceof RecordModifiedException) {
                        throw e;
                    }
                }
                return;
            }
            long id = random.nextLong(1, rows + 1);
            Row row = table.find(id).orElse(null);
            if (row == null) {
                return;
            }
            try {
                table.update(id, row.version(), Map.of("hits", hits(row) + 1));
                acknowledged.incrementAndGet((int) id);
            } catch (RecordModifiedException e) {
                // Lost a race or the row was deleted: nothing written, nothing to count.
            } catch (ConcurrencyException e) {
                // An abort: nothing written.
            }
        });

        Map<Long, Long> stored = hitsAfterSync(t);
        Set<Long> gone = new HashSet<>();
        List<String> mismatches = new ArrayList<>();
        for (long id = 1; id <= rows; id++) {
            if (!stored.containsKey(id)) {
                gone.add(id);
            } else if (stored.get(id) != acknowledged.get((int) id)) {
                mismatches.add("row " + id + ": stored " + stored.get(id) + ", acknowledged "
                        + acknowledged.get((int) id));
            }
        }
        assertThat(reportedDeleted).as("rows reported deleted").isNotEmpty();
        assertThat(gone).as("rows gone == rows reported deleted").isEqualTo(reportedDeleted);
        assertThat(mismatches).as("surviving rows whose hits differ from the acknowledged increments").isEmpty();
        assertThat(fakeConflicts).as("conflicts reported for a row still at the version read").isEmpty();
    }

    @Test
    void guardRightAfterASaveOnAnotherNodeNeverPassesOnTheStaleRow() {
        String t = counterTable(1);
        VersionedTable onNode0 = engine(0, "", t).table(t);
        VersionedTable onNode1 = engine(1, "", t).table(t);
        int passedOnStale = 0;
        List<String> wrongOutcomes = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Row seen = onNode0.find(1).orElseThrow();
            onNode1.update(1, seen.version(), Map.of("hits", hits(seen) + 1));
            Throwable outcome = catchThrowable(() -> onNode0.guard(List.of(seen.identity()), c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET status = 'shipped' WHERE id = 1")) {
                    return ps.executeUpdate();
                }
            }));
            if (outcome == null) {
                passedOnStale++;
            } else if (!(outcome instanceof BulkConflictException b && b.keys().equals(Set.of(1L)))) {
                wrongOutcomes.add(outcome.toString());
            }
        }
        assertThat(passedOnStale).as("guards that passed on a row another node had already changed").isZero();
        assertThat(wrongOutcomes).as("refusals that were not a BulkConflictException naming row 1").isEmpty();
    }

    @Test
    void aCertificationFailureAtTheGuardsOwnCommitIsAnAbortWithNothingSavedAndRetryRunsItAgain() throws Exception {
        // Issue 14: the guard's transaction is the library's; its selected row stays current, but the row its
        // action writes is saved on node 1 meanwhile, so node 0's COMMIT fails certification. That is an abort
        // (not a conflict: nothing selected moved), nothing of the action is saved, and retry runs it again.
        String t = counterTable(2);
        Concurrency node0 = engine(0, "", t);
        VersionedTable onNode0 = node0.table(t);
        VersionedTable onNode1 = engine(1, "", t).table(t);
        List<Identity> selected = List.of(onNode0.find(1L).orElseThrow().identity());
        AtomicLong attempts = new AtomicLong();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            GuardedAction<Integer> action = c -> {
                int n;
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET hits = hits + 10 WHERE id = 2")) {
                    n = ps.executeUpdate();
                }
                if (attempts.incrementAndGet() == 1) {
                    try {
                        other.submit(() -> onNode1.update(2L, 1L, Map.of("hits", 100))).get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("node 1's save failed", e);
                    }
                }
                return n;
            };
            Throwable first = catchThrowable(() -> onNode0.guard(selected, action));
            assertThat(first).as("node 0's commit after node 1 saved the row its action wrote")
                    .isInstanceOf(TransactionAbortedException.class);
            assertThat(first.getMessage()).contains("commit").contains("nothing of it was saved");
            assertThat(hitsAfterSync(t)).as("only node 1's save is in the table").containsEntry(2L, 100L)
                    .containsEntry(1L, 0L);

            RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
            assertThat(node0.retry(quick, () -> onNode0.guard(selected, action))).isEqualTo(1);
            assertThat(attempts).hasValue(2);
            assertThat(hitsAfterSync(t)).as("the retried action built on node 1's save").containsEntry(2L, 110L);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void aCrossNodeChangeDuringTheGuardedActionIsABulkConflictNamingThatRow() throws Exception {
        String t = counterTable(3);
        VersionedTable onNode0 = engine(0, "", t).table(t);
        VersionedTable onNode1 = engine(1, "", t).table(t);
        List<Identity> selected = List.of(onNode0.find(1L).orElseThrow().identity(),
                onNode0.find(2L).orElseThrow().identity(), onNode0.find(3L).orElseThrow().identity());
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Throwable outcome = catchThrowable(() -> onNode0.guard(selected, c -> {
                // Node 1 does not see node 0's "locks": its save of row 2 commits while the action runs.
                try {
                    other.submit(() -> onNode1.update(2L, 1L, Map.of("hits", 100))).get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("node 1's save failed", e);
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET status = 'shipped'")) {
                    return ps.executeUpdate();
                }
            }));
            assertThat(outcome).isInstanceOf(BulkConflictException.class);
            assertThat(((BulkConflictException) outcome).keys()).containsExactly(2L);
        } finally {
            other.shutdownNow();
        }
        try (Connection c = galera.raw(2); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t + " WHERE status = 'shipped'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows the refused action shipped").isZero();
            }
        }
        assertThat(hitsAfterSync(t).get(2L)).isEqualTo(100L);
    }

    @Test
    void triggerVersionsHoldAcrossNodes() throws SQLException {
        String t = counterTable(1);
        // Created through node 0; the trigger replicates like any DDL.
        Concurrency viaNode0 = Concurrency.builder(galera.node(0))
                .table(t, d -> d.key("id").version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                .build();
        Concurrency viaNode2 = Concurrency.builder(galera.node(2))
                .table(t, d -> d.key("id").version("version", VersionStrategy.trigger()))
                .build();
        Row seenOnNode2 = viaNode2.table(t).find(1L).orElseThrow();

        // An outside write on node 1, no concurrency4j: the trigger bumps the version there too.
        try (Connection c = galera.raw(1); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE " + t + " SET hits = 42 WHERE id = 1")).isEqualTo(1);
        }

        // Node 2 applies the write (a synced read waits for it): what is tested here is the trigger, not lag.
        try (Connection c = galera.raw(2); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            s.executeQuery("SELECT hits FROM " + t + " WHERE id = 1").close();
        }
        Throwable stale = catchThrowable(() -> viaNode2.table(t).update(1L, seenOnNode2.version(), Map.of("hits", 7)));
        assertThat(stale).isInstanceOf(RecordModifiedException.class);
        RecordModifiedException e = (RecordModifiedException) stale;
        assertThat(e.currentVersion()).hasValue(seenOnNode2.version() + 1);
        assertThat(hitsAfterSync(t).get(1L)).as("the outside write survives").isEqualTo(42L);
        assertThat(viaNode0.triggers().check()).as("declared tables without a working trigger").isEmpty();
    }
}
