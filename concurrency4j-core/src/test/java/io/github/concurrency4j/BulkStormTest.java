package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * Storms of bulk writes: threads each read a random subset of the same 1,000 rows and write every row's counter
 * plus one with {@code updateAll}, at every isolation level, in the engine's own transaction and in the caller's.
 * Each row's counter must end exactly at its start plus the writes reported saved (a lost acknowledged write leaves
 * it lower, a refused write that landed leaves it higher), and its version must have risen once per saved write
 * (a timestamp version: moved exactly when some write was saved).
 */
class BulkStormTest {
    private static final int ROWS = 1_000;
    private static final int THREADS = 8;
    private static final int ROUNDS = 8;
    private static final int SUBSET = 150;

    private static final Map<String, Function<TableDeclaration, TableDeclaration>> STRATEGIES = Map.of(
            "autoIncrement", d -> d.key("id").version("version", VersionStrategy.autoIncrement()),
            "conditional", d -> d.key("id").version("version", VersionStrategy.conditional()),
            "trigger", d -> d.key("id").version("version", VersionStrategy.trigger()),
            "timestamp", d -> d.key("id").version("version", VersionStrategy.timestamp()));

    private enum Mode { OWN, CALLERS }

    private record Outcome(long saved, long refused, long aborted) {
    }

    @AllDatabases
    void everySavedWriteIsInTheTableAndNoRefusedOneAtEveryIsolationLevel(TestDatabase db) throws Exception {
        List<String> broken = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (String strategy : List.of("autoIncrement", "conditional", "trigger", "timestamp")) {
            for (Isolation level : db.isolationLevels()) {
                for (Mode mode : Mode.values()) {
                    String label = strategy + "/" + level + "/" + mode;
                    Outcome o = storm(db, strategy, level, mode, broken, label);
                    if (db.name().equals("postgresql") && level == Isolation.READ_COMMITTED && o.aborted != 0) {
                        // Bulk writes lock their rows in key order: at READ COMMITTED nothing else aborts them.
                        broken.add(label + ": " + o.aborted + " calls aborted (deadlocks)");
                    }
                    if (db.name().equals("mariadb") && level != Isolation.SERIALIZABLE && o.aborted != 0) {
                        // MariaDB's bulk statements lock in key order and keep what they lock until the conflicts
                        // are read; only SERIALIZABLE's shared locks on the caller's own read can deadlock.
                        broken.add(label + ": " + o.aborted + " calls aborted (deadlocks)");
                    }
                    summary.add(label + ": saved " + o.saved + ", refused " + o.refused + ", aborted " + o.aborted);
                }
            }
        }
        assertThat(broken).as(String.join("\n", summary)).isEmpty();
        System.out.println("BulkStormTest " + db.name() + "\n" + String.join("\n", summary));
    }

    private Outcome storm(TestDatabase db, String strategy, Isolation level, Mode mode, List<String> broken,
                          String label) throws Exception {
        String t = BulkFixtures.itemTable(db, ROWS);
        // The engine's own transactions at the level under test: every connection it takes is set to it.
        ConnectionSource atLevel = new ConnectionSource() {
            @Override
            public Connection acquire() throws SQLException {
                Connection c = db.dataSource().getConnection();
                c.setTransactionIsolation(level.jdbcLevel());
                return c;
            }

            @Override
            public void release(Connection c) throws SQLException {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.close();
            }
        };
        Concurrency concurrency = Concurrency.builder(atLevel).table(t, d -> STRATEGIES.get(strategy).apply(d))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true)).build();
        VersionedTable items = concurrency.table(t);
        Map<Long, List<Long>> start = BulkFixtures.snapshot(db, t);
        AtomicLongArray acks = new AtomicLongArray(ROWS + 1);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger aborted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < THREADS; th++) {
            long seed = 31L * th + label.hashCode();
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < ROUNDS; round++) {
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < SUBSET) {
                        long id = 1 + random.nextInt(ROWS);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    BulkPolicy policy = round % 2 == 0 ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    if (mode == Mode.OWN) {
                        Map<Long, long[]> shown;
                        try (Connection c = db.dataSource().getConnection()) {
                            shown = read(c, t, ids);
                        }
                        try {
                            BulkResult r = items.updateAll(changes(shown), policy);
                            r.saved().forEach(i -> acks.incrementAndGet(((Number) i.key()).intValue()));
                            refused.addAndGet(r.conflicts().size());
                        } catch (BulkConflictException e) {
                            refused.addAndGet(ids.size());
                        } catch (TransactionAbortedException e) {
                            aborted.incrementAndGet();
                        }
                    } else {
                        try (Connection c = db.rawConnection()) {
                            c.setAutoCommit(false);
                            c.setTransactionIsolation(level.jdbcLevel());
                            BulkResult r = null;
                            try {
                                // Spring-style: read in the transaction, write in it, commit.
                                Map<Long, long[]> shown = read(c, t, ids);
                                r = items.using(c).updateAll(changes(shown), policy);
                            } catch (BulkConflictException e) {
                                // The caller commits what else it did: nothing of the refused call may be in it.
                                refused.addAndGet(ids.size());
                            } catch (TransactionAbortedException e) {
                                aborted.incrementAndGet();
                                c.rollback();
                                continue;
                            } catch (SQLException e) {
                                if (!"40001".equals(e.getSQLState()) && !"40P01".equals(e.getSQLState())) {
                                    throw e;
                                }
                                aborted.incrementAndGet();
                                c.rollback();
                                continue;
                            }
                            try {
                                c.commit();
                            } catch (SQLException e) {
                                // A commit the database refused saves nothing: no acknowledgement counts.
                                aborted.incrementAndGet();
                                continue;
                            }
                            if (r != null) {
                                r.saved().forEach(i -> acks.incrementAndGet(((Number) i.key()).intValue()));
                                refused.addAndGet(r.conflicts().size());
                            }
                        }
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
        Map<Long, List<Long>> end = BulkFixtures.snapshot(db, t);
        long saved = 0;
        for (long id = 1; id <= ROWS; id++) {
            long n = acks.get((int) id);
            saved += n;
            long price = end.get(id).get(0) - start.get(id).get(0);
            long version = end.get(id).get(1) - start.get(id).get(1);
            // A timestamp version jumps to the clock: it must have moved exactly when some write was saved.
            boolean versionOk = strategy.equals("timestamp") ? (version == 0) == (n == 0) : version == n;
            if (price != n || !versionOk) {
                broken.add(label + " row " + id + ": " + n + " writes reported saved, counter rose by " + price
                        + ", version by " + version);
            }
        }
        // After the storm a retry of any row succeeds: nothing is left locked or half-written.
        Map<Long, long[]> now;
        try (Connection c = db.dataSource().getConnection()) {
            now = read(c, t, List.of(1L, 500L, 1000L));
        }
        assertThat(items.updateAll(changes(now), BulkPolicy.ABORT_ALL).saved()).as(label).hasSize(3);
        return new Outcome(saved, refused.get(), aborted.get());
    }

    private static Map<Long, long[]> read(Connection c, String t, List<Long> ids) throws SQLException {
        return BulkFixtures.priceAndVersion(c, t, ids);
    }

    private static List<RowChange> changes(Map<Long, long[]> shown) {
        List<RowChange> changes = new ArrayList<>(shown.size());
        shown.forEach((id, row) -> changes.add(RowChange.of(id, row[1], Map.of("price", row[0] + 1))));
        return changes;
    }
}
