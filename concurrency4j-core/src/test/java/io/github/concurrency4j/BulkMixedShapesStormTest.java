package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Concurrent bulk updates over overlapping rows whose rows do not all go in one statement: some rows checked and others
 * not (a version not given, allowed with {@code versionRequired(false)}), or rows changing different columns with
 * values the one-statement form does not carry (they go as JDBC batches, one per column set). Each statement locked its
 * own rows in key order, but one statement's rows after the other's: two calls whose rows are split the other way round
 * took the same rows in opposite orders and deadlocked. Every call here must end saved or refused by a conflict, never
 * deadlocked, at READ COMMITTED and REPEATABLE READ, in the caller's transaction and in the engine's own (PostgreSQL's
 * REPEATABLE READ may still refuse a row changed after the caller's snapshot, as a clear serialization failure); and
 * every acknowledged row update must be in the table (the version of each row rose by exactly the number of updates
 * reported saved for it, read back over a separate connection), so that neither a lost write nor an unreported one can
 * hide.
 */
class BulkMixedShapesStormTest {
    private static final int ROWS = 120;
    private static final int THREADS = 6;
    /** 12 in the suite; raise with -Dc4j.mixedStormRounds for a longer proof. */
    private static final int ROUNDS = Integer.getInteger("c4j.mixedStormRounds", 12);
    private static final int PER_CALL = 30;

    private enum Mix {
        /** Each row checked or unchecked at random: two statements per call (unchecked rows first). */
        CHECKED_AND_UNCHECKED,
        /** Each row changes the price or the stock at random, as doubles: two JDBC batches per call. */
        COLUMN_SETS
    }

    @ServerDatabases
    void mixedShapeBulkUpdatesDoNotDeadlock(TestDatabase db) throws Exception {
        List<String> summary = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Mix mix : Mix.values()) {
            for (Isolation level : List.of(Isolation.READ_COMMITTED, Isolation.REPEATABLE_READ)) {
                storm(db, mix, level, broken, summary);
            }
            storm(db, mix, null, broken, summary);
        }
        System.out.println("BulkMixedShapesStormTest [" + db.name() + "]\n" + String.join("\n", summary));
        assertThat(broken).as(String.join("\n", summary)).isEmpty();
    }

    /** One storm; {@code level} null runs each call in the engine's own transaction. */
    private static void storm(TestDatabase db, Mix mix, Isolation level, List<String> broken, List<String> summary)
            throws Exception {
        String t = BulkFixtures.itemTable(db, ROWS);
        Concurrency concurrency = Concurrency.builder(db.dataSource()).versionRequired(false)
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build();
        VersionedTable items = concurrency.table(t);
        AtomicLongArray updated = new AtomicLongArray(ROWS + 1);
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger serialization = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < THREADS; th++) {
            long seed = 31L * th + mix.ordinal() * 7L + (level == null ? 99 : level.ordinal());
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < ROUNDS; round++) {
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < PER_CALL) {
                        long id = 1 + random.nextInt(ROWS);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    boolean[] checked = new boolean[PER_CALL];
                    boolean[] price = new boolean[PER_CALL];
                    for (int i = 0; i < PER_CALL; i++) {
                        checked[i] = mix != Mix.CHECKED_AND_UNCHECKED || random.nextBoolean();
                        price[i] = mix != Mix.COLUMN_SETS || random.nextBoolean();
                    }
                    BulkPolicy policy = round % 2 == 0 ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    calls.incrementAndGet();
                    try (Connection c = db.rawConnection()) {
                        BulkResult result = null;
                        if (level != null) {
                            c.setAutoCommit(false);
                            c.setTransactionIsolation(level.jdbcLevel());
                        }
                        Map<Long, long[]> shown;
                        try {
                            shown = BulkFixtures.priceAndVersion(c, t, ids);
                        } catch (SQLException e) {
                            failures.add("the caller's own read failed: " + e);
                            if (level != null) {
                                c.rollback();
                            }
                            continue;
                        }
                        List<RowChange> changes = new ArrayList<>();
                        for (int i = 0; i < PER_CALL; i++) {
                            long[] row = shown.get(ids.get(i));
                            Object value = mix == Mix.COLUMN_SETS ? (Object) (double) (row[0] + 1) : row[0] + 1;
                            changes.add(new RowChange(ids.get(i), checked[i] ? row[1] : null,
                                    Map.of(price[i] ? "price" : "stock", value)));
                        }
                        try {
                            result = level == null ? items.updateAll(changes, policy)
                                    : items.using(c).updateAll(changes, policy);
                        } catch (BulkConflictException refused) {
                            // Nothing of the refused call is saved; the caller commits whatever else it did.
                        } catch (TransactionAbortedException e) {
                            if (e.vendorCode() == 1213 || "40P01".equals(e.sqlState())) {
                                aborted.incrementAndGet();
                            } else if (!(level == Isolation.REPEATABLE_READ && db.name().equals("postgresql")
                                    && "40001".equals(e.sqlState()))) {
                                // PostgreSQL's REPEATABLE READ refuses to write a row changed after the snapshot.
                                failures.add("aborted other than by a deadlock: " + e.getMessage());
                            } else {
                                serialization.incrementAndGet();
                            }
                            if (!e.transactionRolledBack() || !e.getMessage().contains("rolled back")) {
                                failures.add("an abort that does not say the transaction was rolled back: "
                                        + e.getMessage());
                            }
                            if (level != null) {
                                c.rollback();
                            }
                            continue;
                        }
                        if (level != null) {
                            c.commit();
                        }
                        if (result != null) {
                            result.saved().forEach(i -> updated.incrementAndGet(((Number) i.key()).intValue()));
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
        String label = mix + "/" + (level == null ? "own transaction" : level.toString());
        failures.forEach(m -> broken.add(label + ": " + m));
        if (aborted.get() != 0) {
            broken.add(label + ": " + aborted.get() + " of " + calls.get() + " calls deadlocked");
        }
        Map<Long, List<Long>> end = BulkFixtures.snapshot(db, t);
        int wrong = 0;
        for (long id = 1; id <= ROWS; id++) {
            List<Long> row = end.get(id);
            long acks = updated.get((int) id);
            if (row == null || row.get(1) - 1 != acks) {
                wrong++;
                if (wrong <= 5) {
                    broken.add(label + " row " + id + ": " + acks + " updates reported saved, version rose by "
                            + (row == null ? "(row gone)" : row.get(1) - 1));
                }
            }
        }
        summary.add(label + ": " + aborted.get() + " of " + calls.get() + " calls deadlocked, "
                + serialization.get() + " refused by a serialization failure, " + wrong
                + " rows whose version disagrees with the updates reported");
    }
}
