package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
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

/**
 * deleteAll in a storm of updateAll over the same rows, at every isolation level the database has, in the engine's
 * own transactions and in callers' transactions (read the rows in the transaction, write them, commit): a delete of
 * a row changed since it was read is refused and the row stays; a delete reported done is the row's end. Every
 * surviving row's counter and version rose exactly by the updates reported saved; no row is reported deleted twice;
 * a row is gone only if a delete of it was reported done. A call the database aborted reports nothing saved.
 */
class BulkDeleteStormTest {
    private static final int ROWS = 600;
    private static final int THREADS = 8;
    private static final int ROUNDS = 8;

    private enum Mode { OWN, CALLERS }

    @AllDatabases
    void deletesInAStormOfUpdatesRemoveExactlyTheRowsReportedDeletedAtEveryIsolationLevel(TestDatabase db)
            throws Exception {
        List<String> broken = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        long[] gone = new long[1];
        for (Isolation level : db.isolationLevels()) {
            for (Mode mode : Mode.values()) {
                String label = level + "/" + mode;
                int aborted = storm(db, level, mode, label, broken, summary, gone);
                if (db.name().equals("mariadb") && level != Isolation.SERIALIZABLE && aborted != 0) {
                    // Bulk statements lock in key order and keep what they lock until the conflicts are read.
                    broken.add(label + ": " + aborted + " calls aborted (deadlocks)");
                }
            }
        }
        System.out.println("BulkDeleteStormTest " + db.name() + "\n" + String.join("\n", summary));
        assertThat(broken).as(String.join("\n", summary)).isEmpty();
        assertThat(gone[0]).as("some deletes went through").isPositive();
    }

    private static int storm(TestDatabase db, Isolation level, Mode mode, String label, List<String> broken,
                             List<String> summary, long[] goneTotal) throws Exception {
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
        VersionedTable items = Concurrency.builder(atLevel)
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        AtomicLongArray updated = new AtomicLongArray(ROWS + 1);
        AtomicLongArray deleted = new AtomicLongArray(ROWS + 1);
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < THREADS; th++) {
            boolean deleter = th < 2;
            long seed = th * 7919L + label.hashCode();
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < ROUNDS; round++) {
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < (deleter ? 30 : 100)) {
                        long id = 1 + random.nextInt(ROWS);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    BulkPolicy policy = round % 3 == 0 ? BulkPolicy.ABORT_ALL : BulkPolicy.SKIP_CONFLICTS;
                    AtomicLongArray acks = deleter ? deleted : updated;
                    if (mode == Mode.OWN) {
                        Map<Long, long[]> shown;
                        try (Connection c = db.dataSource().getConnection()) {
                            shown = read(c, t, ids);
                        }
                        try {
                            BulkResult r = write(items, deleter, shown, policy);
                            r.saved().forEach(i -> acks.incrementAndGet(((Number) i.key()).intValue()));
                            refused.addAndGet(r.conflicts().size());
                        } catch (BulkConflictException e) {
                            refused.addAndGet(ids.size());
                        } catch (TransactionAbortedException e) {
                            aborted.incrementAndGet();
                        }
                        continue;
                    }
                    try (Connection c = db.rawConnection()) {
                        c.setAutoCommit(false);
                        c.setTransactionIsolation(level.jdbcLevel());
                        BulkResult r = null;
                        try {
                            // Spring-style: read in the transaction, write in it, commit.
                            r = write(items.using(c), deleter, read(c, t, ids), policy);
                        } catch (BulkConflictException e) {
                            // The caller commits what else it did: nothing of the refused call may be in it.
                            refused.addAndGet(ids.size());
                        } catch (TransactionAbortedException e) {
                            aborted.incrementAndGet();
                            c.rollback();
                            continue;
                        } catch (SQLException e) {
                            // The caller's own read, where the level makes it lock (a deadlock's victim).
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
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        Map<Long, List<Long>> end = BulkFixtures.snapshot(db, t);
        long gone = 0;
        for (long id = 1; id <= ROWS; id++) {
            long d = deleted.get((int) id);
            long u = updated.get((int) id);
            List<Long> row = end.get(id);
            if (d > 1 || (d == 1) != (row == null)) {
                broken.add(label + " row " + id + ": reported deleted " + d + " times, in the table: "
                        + (row != null));
            } else if (row != null && (row.get(0) - id != u || row.get(1) - 1 != u)) {
                broken.add(label + " row " + id + ": " + u + " updates reported saved, counter rose by "
                        + (row.get(0) - id) + ", version by " + (row.get(1) - 1));
            }
            gone += d;
        }
        if (end.size() != ROWS - gone) {
            broken.add(label + ": " + end.size() + " rows left, but " + gone + " of " + ROWS + " reported deleted");
        }
        goneTotal[0] += gone;
        summary.add(label + ": deleted " + gone + ", refused " + refused.get() + ", aborted " + aborted.get());
        return aborted.get();
    }

    private static BulkResult write(VersionedTable items, boolean deleter, Map<Long, long[]> shown,
                                    BulkPolicy policy) {
        if (deleter) {
            List<Identity> rows = new ArrayList<>();
            shown.forEach((id, row) -> rows.add(Identity.of(id, row[1])));
            return items.deleteAll(rows, policy);
        }
        List<RowChange> changes = new ArrayList<>();
        shown.forEach((id, row) -> changes.add(RowChange.of(id, row[1], Map.of("price", row[0] + 1))));
        return items.updateAll(changes, policy);
    }

    private static Map<Long, long[]> read(Connection c, String t, List<Long> ids) throws SQLException {
        return BulkFixtures.priceAndVersion(c, t, ids);
    }
}
