package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large bulk writes from every Galera node at once: 6 threads (2 per node), each call 100 random rows of the same
 * 300, read on the caller's node just before. Certification, not row locks, settles races between nodes; a call it
 * aborts must report nothing saved. Every row's counter ends at exactly the writes reported saved.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BulkGaleraStormTest {
    private static final int NODES = 3;
    private static final int ROWS = 300;

    private Topology galera;

    @BeforeEach
    void topology() {
        galera = Topology.galera();
    }

    @AfterEach
    void cleanUp() {
        galera.dropCreatedTables();
    }

    @Test
    void largeBulkWritesFromEveryNodeStoreExactlyWhatTheyReportSaved() throws Exception {
        String t = galera.createTable("bulkstorm", "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        galera.insertCounters(t, ROWS);
        for (int node = 0; node < NODES; node++) {
            galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
        }
        VersionedTable[] tables = new VersionedTable[NODES];
        for (int node = 0; node < NODES; node++) {
            tables[node] = Concurrency.builder(galera.node(node)).table(t).build().table(t);
        }
        AtomicLongArray acknowledged = new AtomicLongArray(ROWS + 1);
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(NODES * 2);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < NODES * 2; th++) {
            int node = th % NODES;
            long seed = 104_729L * th;
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < 6; round++) {
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < 100) {
                        long id = 1 + random.nextInt(ROWS);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    List<RowChange> changes = new ArrayList<>();
                    try (Connection c = galera.raw(node)) {
                        read(c, t, ids).forEach((id, row) -> changes.add(RowChange.of(id, row[1],
                                Map.of("hits", row[0] + 1))));
                    }
                    BulkPolicy policy = round % 2 == 0 ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    try {
                        BulkResult r = tables[node].updateAll(changes, policy);
                        r.saved().forEach(i -> acknowledged.incrementAndGet(((Number) i.key()).intValue()));
                        completed.incrementAndGet();
                    } catch (BulkConflictException e) {
                        completed.incrementAndGet();
                    } catch (ConcurrencyException e) {
                        if (e instanceof RecordModifiedException) {
                            throw e;
                        }
                        aborted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get(150, TimeUnit.SECONDS);
        }
        Map<Long, long[]> end;
        try (Connection c = galera.raw(0); Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            List<Long> all = new ArrayList<>();
            for (long id = 1; id <= ROWS; id++) {
                all.add(id);
            }
            end = read(c, t, all);
        }
        List<String> mismatches = new ArrayList<>();
        long saved = 0;
        for (long id = 1; id <= ROWS; id++) {
            long n = acknowledged.get((int) id);
            saved += n;
            if (end.get(id)[0] != n || end.get(id)[1] != 1 + n) {
                mismatches.add("row " + id + ": " + n + " writes reported saved, hits " + end.get(id)[0]
                        + ", version " + end.get(id)[1]);
            }
        }
        System.out.println("BulkGaleraStormTest: calls completed " + completed.get() + ", aborted " + aborted.get()
                + ", row writes saved " + saved);
        assertThat(completed.get()).as("calls that completed (aborted: %d)", aborted.get()).isPositive();
        assertThat(saved).isPositive();
        assertThat(mismatches).isEmpty();
    }

    /**
     * Two nodes write the same rows at the same moment: each round both read the same 40 rows on their own node,
     * meet at a barrier and send one {@code updateAll} each, every row stamped with the call's own number. Only one
     * write of a row at a version can win (certification aborts the other node's transaction, or its statement finds
     * the row moved). Afterwards every node (reads waiting for the cluster) must hold for each row the stamp of the
     * last write reported saved, at one version more per write reported saved, and no two writes reported saved may
     * have claimed the same version of a row: a refused or aborted write is nowhere.
     */
    @Test
    void bulkWritesOfTheSameRowsFromTwoNodesAtOnceAreOnEveryNodeExactlyAsReported() throws Exception {
        int rows = 120;
        int perCall = 40;
        int rounds = 16;
        String t = galera.createTable("bulktwin", "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        galera.insertCounters(t, rows);
        for (int node = 0; node < NODES; node++) {
            galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
        }
        VersionedTable[] tables = new VersionedTable[2];
        for (int node = 0; node < 2; node++) {
            tables[node] = Concurrency.builder(galera.node(node)).table(t).build().table(t);
        }
        // For each row, version -> the stamp of the write reported saved at that version (a second claim is a bug).
        Map<Long, Map<Long, Long>> savedAt = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> broken = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger savedRows = new AtomicInteger();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> futures = new ArrayList<>();
        for (int node = 0; node < 2; node++) {
            int n = node;
            futures.add(pool.submit(() -> {
                for (int round = 0; round < rounds; round++) {
                    // The same rows on both nodes: one shared seed per round.
                    Random random = new Random(7_919L * round);
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < perCall) {
                        long id = 1 + random.nextInt(rows);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    long stamp = 1_000L * (round + 1) + n + 1;
                    List<RowChange> changes = new ArrayList<>();
                    try (Connection c = galera.raw(n); Statement s = c.createStatement()) {
                        s.execute("SET SESSION wsrep_sync_wait = 1");
                        read(c, t, ids).forEach((id, row) -> changes.add(RowChange.of(id, row[1],
                                Map.of("hits", stamp))));
                    }
                    BulkPolicy policy = round % 2 == 0 ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    together.await(60, TimeUnit.SECONDS);
                    try {
                        BulkResult r = tables[n].updateAll(changes, policy);
                        r.saved().forEach(i -> {
                            long id = ((Number) i.key()).longValue();
                            savedRows.incrementAndGet();
                            Long before = savedAt.computeIfAbsent(id, k -> new java.util.concurrent.ConcurrentHashMap<>())
                                    .putIfAbsent(i.version(), stamp);
                            if (before != null) {
                                broken.add("row " + id + ": version " + i.version() + " reported saved by writes "
                                        + before + " and " + stamp);
                            }
                        });
                        refused.addAndGet(r.conflicts().size());
                    } catch (BulkConflictException e) {
                        refused.addAndGet(changes.size());
                    } catch (ConcurrencyException e) {
                        if (e instanceof RecordModifiedException) {
                            throw e;
                        }
                        if (!(e instanceof TransactionAbortedException)) {
                            broken.add("a call failed without a clear abort: " + e);
                        }
                        aborted.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get(150, TimeUnit.SECONDS);
        }
        List<Long> all = new ArrayList<>();
        for (long id = 1; id <= rows; id++) {
            all.add(id);
        }
        for (int node = 0; node < NODES; node++) {
            Map<Long, long[]> end;
            try (Connection c = galera.raw(node); Statement s = c.createStatement()) {
                s.execute("SET SESSION wsrep_sync_wait = 1");
                end = read(c, t, all);
            }
            for (long id = 1; id <= rows; id++) {
                Map<Long, Long> claims = savedAt.getOrDefault(id, Map.of());
                long version = end.get(id)[1];
                long expectedStamp = claims.isEmpty() ? 0 : claims.get(1L + claims.size()) == null ? -1
                        : claims.get(1L + claims.size());
                if (version != 1 + claims.size() || end.get(id)[0] != expectedStamp) {
                    broken.add("node " + node + " row " + id + ": writes reported saved at versions "
                            + new java.util.TreeMap<>(claims) + ", the node holds stamp " + end.get(id)[0]
                            + " at version " + version);
                }
            }
        }
        String summary = "BulkGaleraStormTest (two nodes, same rows): " + 2 * rounds + " calls of " + perCall
                + " rows, " + savedRows.get() + " row writes saved, " + refused.get() + " refused, " + aborted.get()
                + " calls aborted";
        System.out.println(summary);
        assertThat(savedRows.get()).as(summary).isPositive();
        assertThat(broken).as(summary).isEmpty();
    }

    private static Map<Long, long[]> read(Connection c, String t, List<Long> ids) throws SQLException {
        Map<Long, long[]> rows = new HashMap<>();
        StringBuilder in = new StringBuilder();
        for (Long id : ids) {
            in.append(in.length() == 0 ? "" : ",").append(id);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, hits, version FROM " + t + " WHERE id IN ("
                + in + ")"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return rows;
    }
}
