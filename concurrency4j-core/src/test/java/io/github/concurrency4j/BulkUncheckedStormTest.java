package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Unchecked bulk writes ({@code withoutChecks}) in a storm, mixed with checked ones: an unchecked write applies
 * whatever version it names, yet each one reported saved still raised the row's version once, and each row ends
 * holding the token of a write reported saved (the last one to commit), never one that was not.
 */
class BulkUncheckedStormTest {
    private static final int ROWS = 500;

    @AllDatabases
    void uncheckedBulkWritesInAStormEachLandOnceAndOnlyTheReportedOnes(TestDatabase db) throws Exception {
        String t = db.createTable("unchecked", "id BIGINT PRIMARY KEY, token VARCHAR(40), version BIGINT NOT NULL");
        StringBuilder insert = new StringBuilder("INSERT INTO " + t + " (id, token, version) VALUES ");
        for (int id = 1; id <= ROWS; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'start', 1)");
        }
        db.execute(insert.toString());
        Concurrency concurrency = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build();
        VersionedTable rows = concurrency.table(t);
        AtomicLongArray saves = new AtomicLongArray(ROWS + 1);
        Map<Long, Set<String>> savedTokens = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < 8; th++) {
            int thread = th;
            futures.add(pool.submit(() -> {
                Random random = new Random(thread * 131L);
                go.await();
                for (int round = 0; round < 10; round++) {
                    Map<Long, String> tokens = new HashMap<>();
                    while (tokens.size() < 100) {
                        long id = 1 + random.nextInt(ROWS);
                        tokens.put(id, "t" + thread + "r" + round + "#" + id);
                    }
                    List<RowChange> changes = new ArrayList<>();
                    // Version 1 is stale for most rows: only the unchecked scope lets these through.
                    tokens.forEach((id, token) -> changes.add(RowChange.of(id, 1L, Map.of("token", token))));
                    BulkResult r;
                    try {
                        r = thread % 4 == 0 ? rows.updateAll(changes, BulkPolicy.SKIP_CONFLICTS)
                                : concurrency.withoutChecks(t, () -> rows.updateAll(changes, BulkPolicy.ABORT_ALL));
                    } catch (TransactionAbortedException | BulkConflictException e) {
                        continue;
                    }
                    for (Identity saved : r.saved()) {
                        long id = ((Number) saved.key()).longValue();
                        saves.incrementAndGet((int) id);
                        savedTokens.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(tokens.get(id));
                    }
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        List<String> broken = new ArrayList<>();
        long total = 0;
        try (Connection c = db.rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, token, version FROM " + t)) {
            while (rs.next()) {
                long id = rs.getLong(1);
                long n = saves.get((int) id);
                total += n;
                String token = rs.getString(2);
                boolean tokenOk = n == 0 ? "start".equals(token) : savedTokens.get(id).contains(token);
                if (rs.getLong(3) != 1 + n || !tokenOk) {
                    broken.add("row " + id + ": " + n + " writes reported saved, version " + rs.getLong(3)
                            + ", token " + token);
                }
            }
        }
        assertThat(total).isPositive();
        assertThat(broken).isEmpty();
    }
}
