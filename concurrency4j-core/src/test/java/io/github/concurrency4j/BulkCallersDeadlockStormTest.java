package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * MariaDB bulk writes from concurrent callers' transactions over overlapping rows: each caller reads its rows in its
 * transaction (as a Spring service does), writes them with {@code updateAll} or {@code deleteAll} and commits. At READ
 * COMMITTED and REPEATABLE READ no call may deadlock: the engine's statements take and keep their row locks in key
 * order (before, at READ COMMITTED the locking read of the refused rows came after the statement had released them and
 * held later rows: 7 to 13 of 64 calls deadlocked; at READ UNCOMMITTED, which InnoDB locks as READ COMMITTED, the same
 * read still locked until the dialect read plainly there too: 6 of 64). At SERIALIZABLE InnoDB turns the caller's own
 * read into a shared lock, and two callers holding one on the same row and both writing it is a deadlock only the
 * database can resolve: each must surface as a {@link TransactionAbortedException} that says the whole transaction was
 * rolled back, with nothing of it in the table. Every call is checked both ways against the table.
 */
class BulkCallersDeadlockStormTest {
    private static final int ROWS = 300;
    private static final int THREADS = 8;
    /** 8 in the suite; raise with -Dc4j.callersStormRounds for a longer proof. */
    private static final int ROUNDS = Integer.getInteger("c4j.callersStormRounds", 8);

    @MariadbOnly
    void overlappingBulkWritesInCallersTransactionsDoNotDeadlock(TestDatabase db) throws Exception {
        stormsAtEveryLevel(db, false, "BulkCallersDeadlockStormTest");
    }

    /**
     * The storm at every isolation level and for both strategies: no call may abort below SERIALIZABLE (but for the
     * fallback at READ UNCOMMITTED, see below), and every call is checked both ways against the table
     * ({@link #storm}).
     */
    private static void stormsAtEveryLevel(TestDatabase db, boolean fallBack, String title) throws Exception {
        List<String> summary = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Isolation level : Isolation.values()) {
            for (String strategy : List.of("autoIncrement", "conditional")) {
                int aborted = storm(db, level, strategy, fallBack, broken, summary);
                if (level != Isolation.SERIALIZABLE && aborted != 0) {
                    broken.add(level + "/" + strategy + ": " + aborted + " calls aborted (deadlocks)");
                }
            }
        }
        System.out.println(title + "\n" + String.join("\n", summary));
        assertThat(broken).as(String.join("\n", summary)).isEmpty();
    }

    /**
     * The same storm where no call's first statement can prove anything, so that every call falls back to locking
     * its rows in key order and writing them again: Connector/J with {@code useBulkStmts=true} answers "no info" (-2)
     * for each row of a batch, and prices given as doubles are a value MariaDB's one-statement form does not carry,
     * so the rows go as a batch. Each call builds its own table engine, which has not yet learnt to lock first. In
     * the caller's transaction the first statement is undone by a rollback to the savepoint taken before it, which
     * in InnoDB keeps the row locks it took: the fallback must not wait for a row while holding a later one.
     * At READ UNCOMMITTED the plain read that tells the rows the undone attempt still holds from the others also sees
     * other transactions' uncommitted versions, and a row another caller holds could read as one of ours (its
     * uncommitted version is the one our caller read): 1 to 3 of 512 calls deadlocked there until the fallback locked
     * with {@code SKIP LOCKED}, refusing such a row instead of waiting for it (0 of 1,024 over 64 rounds).
     */
    @MariadbOnly
    void overlappingBulkWritesThatFallBackToLockingFirstDoNotDeadlock(TestDatabase db) throws Exception {
        stormsAtEveryLevel(db, true, "BulkCallersDeadlockStormTest (fallback)");
    }

    /**
     * The SERIALIZABLE storm, each call wrapped in {@link Concurrency#retry} around its whole transaction (read,
     * write, commit): every abort is a clear {@link TransactionAbortedException} (or, in the caller's own read, the
     * driver's 40001), and retrying from a fresh read turns each into a success. Every call must end saved or
     * refused by a conflict, and the table must hold exactly what the final attempts reported saved.
     */
    @MariadbOnly
    void serializableAbortsEndInSuccessUnderRetry(TestDatabase db) throws Exception {
        for (String strategy : List.of("autoIncrement", "conditional")) {
            String t = BulkFixtures.itemTable(db, ROWS);
            Concurrency concurrency = Concurrency.builder(db.dataSource())
                    .table(t, d -> d.key("id").version("version", strategy.equals("autoIncrement")
                            ? VersionStrategy.autoIncrement() : VersionStrategy.conditional().checkFields("price")))
                    .build();
            VersionedTable items = concurrency.table(t);
            RetryPolicy policy = RetryPolicy.custom().maxAttempts(100).initialDelayMillis(5).maxDelayMillis(200)
                    .retryOnException(e -> e.getCause() instanceof SQLException q && "40001".equals(q.getSQLState()))
                    .build();
            AtomicLongArray updated = new AtomicLongArray(ROWS + 1);
            AtomicLongArray deleted = new AtomicLongArray(ROWS + 1);
            AtomicInteger attempts = new AtomicInteger();
            AtomicInteger aborted = new AtomicInteger();
            AtomicInteger mostAttempts = new AtomicInteger();
            ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < THREADS; th++) {
                boolean deleter = th < 2;
                long seed = 104_729L * th + strategy.hashCode();
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    go.await();
                    for (int round = 0; round < ROUNDS; round++) {
                        List<Long> ids = new ArrayList<>();
                        while (ids.size() < (deleter ? 10 : 60)) {
                            long id = 1 + random.nextInt(ROWS);
                            if (!ids.contains(id)) {
                                ids.add(id);
                            }
                        }
                        int[] tries = new int[1];
                        BulkResult result = concurrency.retry(policy, () -> {
                            tries[0]++;
                            attempts.incrementAndGet();
                            try (Connection c = db.rawConnection()) {
                                c.setAutoCommit(false);
                                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                                try {
                                    Map<Long, long[]> shown = read(c, t, ids);
                                    BulkResult r;
                                    if (deleter) {
                                        List<Identity> rows = new ArrayList<>();
                                        shown.forEach((id, row) -> rows.add(Identity.of(id, row[1])));
                                        r = items.using(c).deleteAll(rows, BulkPolicy.SKIP_CONFLICTS);
                                    } else {
                                        List<RowChange> changes = new ArrayList<>();
                                        shown.forEach((id, row) -> changes.add(RowChange.of(id, row[1],
                                                Map.of("price", row[0] + 1))));
                                        r = items.using(c).updateAll(changes, BulkPolicy.SKIP_CONFLICTS);
                                    }
                                    c.commit();
                                    return r;
                                } catch (TransactionAbortedException e) {
                                    aborted.incrementAndGet();
                                    if (!e.transactionRolledBack() || !e.getMessage().contains("rolled back the "
                                            + "whole transaction") || !e.getMessage().contains("Run the transaction "
                                            + "again")) {
                                        broken.add("an abort that does not say what happened: " + e.getMessage());
                                    }
                                    c.rollback();
                                    throw e;
                                } catch (SQLException e) {
                                    // The caller's own read, chosen as a deadlock's victim.
                                    aborted.incrementAndGet();
                                    c.rollback();
                                    throw new IllegalStateException(e);
                                }
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        mostAttempts.accumulateAndGet(tries[0], Math::max);
                        AtomicLongArray acks = deleter ? deleted : updated;
                        result.saved().forEach(i -> acks.incrementAndGet(((Number) i.key()).intValue()));
                    }
                    return null;
                }));
            }
            go.countDown();
            pool.shutdown();
            for (Future<?> f : futures) {
                // A call that still failed after its retries ends the test here.
                f.get(5, TimeUnit.MINUTES);
            }
            Map<Long, List<Long>> end = BulkFixtures.snapshot(db, t);
            for (long id = 1; id <= ROWS; id++) {
                long d = deleted.get((int) id);
                long u = updated.get((int) id);
                List<Long> row = end.get(id);
                if (d > 1 || (d == 1) != (row == null)) {
                    broken.add("row " + id + ": reported deleted " + d + " times, in the table: " + (row != null));
                } else if (row != null && (row.get(0) - id != u || row.get(1) - 1 != u)) {
                    broken.add("row " + id + ": " + u + " updates reported saved, counter rose by "
                            + (row.get(0) - id) + ", version by " + (row.get(1) - 1));
                }
            }
            String summary = "SERIALIZABLE/" + strategy + " under retry: " + THREADS * ROUNDS + " calls, all ended "
                    + "saved or refused; " + attempts.get() + " attempts, " + aborted.get() + " aborted, at most "
                    + mostAttempts.get() + " attempts for one call";
            System.out.println("BulkCallersDeadlockStormTest " + summary);
            assertThat(broken).as(summary).isEmpty();
        }
    }

    /**
     * One storm; returns how many calls the database aborted (in the caller's read or in the bulk write), having
     * checked every row and every abort.
     */
    private static int storm(TestDatabase db, Isolation level, String strategy, boolean fallback,
                             List<String> broken, List<String> summary)
            throws Exception {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionStrategy versions = strategy.equals("autoIncrement")
                ? VersionStrategy.autoIncrement() : VersionStrategy.conditional().checkFields("price");
        VersionedTable shared = BulkFixtures.table(db.dataSource(), t, versions);
        AtomicLongArray updated = new AtomicLongArray(ROWS + 1);
        AtomicLongArray deleted = new AtomicLongArray(ROWS + 1);
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger readAborted = new AtomicInteger();
        ConcurrentLinkedQueue<String> unclear = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < THREADS; th++) {
            boolean deleter = th < 2;
            long seed = 7919L * th + level.ordinal() + strategy.hashCode();
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < ROUNDS; round++) {
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < (deleter ? 10 : 60)) {
                        long id = 1 + random.nextInt(ROWS);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    BulkPolicy policy = round % 2 == 0 ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    VersionedTable items = fallback ? BulkFixtures.table(db.dataSource(), t, versions) : shared;
                    try (Connection c = fallback ? noInfoConnection(db) : db.rawConnection()) {
                        c.setAutoCommit(false);
                        c.setTransactionIsolation(level.jdbcLevel());
                        BulkResult result = null;
                        Map<Long, long[]> shown;
                        try {
                            shown = read(c, t, ids);
                        } catch (SQLException e) {
                            if (!"40001".equals(e.getSQLState())) {
                                throw e;
                            }
                            // At SERIALIZABLE the caller's own read locks, and may be the deadlock's victim.
                            aborted.incrementAndGet();
                            readAborted.incrementAndGet();
                            c.rollback();
                            continue;
                        }
                        try {
                            if (deleter) {
                                List<Identity> rows = new ArrayList<>();
                                shown.forEach((id, row) -> rows.add(Identity.of(id, row[1])));
                                result = items.using(c).deleteAll(rows, policy);
                            } else {
                                List<RowChange> changes = new ArrayList<>();
                                shown.forEach((id, row) -> changes.add(RowChange.of(id, row[1],
                                        Map.of("price", fallback ? (Object) (double) (row[0] + 1) : row[0] + 1))));
                                result = items.using(c).updateAll(changes, policy);
                            }
                        } catch (BulkConflictException refused) {
                            // The caller commits what else it did: nothing of the refused call may be in it.
                        } catch (TransactionAbortedException e) {
                            aborted.incrementAndGet();
                            if (!e.transactionRolledBack() || !e.getMessage().contains("rolled back the whole "
                                    + "transaction") || !e.getMessage().contains("Run the transaction again")) {
                                unclear.add(e.transactionRolledBack() + ": " + e.getMessage());
                            }
                            c.rollback();
                            continue;
                        }
                        c.commit();
                        if (result != null) {
                            AtomicLongArray acks = deleter ? deleted : updated;
                            result.saved().forEach(i -> acks.incrementAndGet(((Number) i.key()).intValue()));
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (Future<?> f : futures) {
            // A raw SQLException or any other failure of a call ends the test here.
            f.get(5, TimeUnit.MINUTES);
        }
        String label = (fallback ? "fallback " : "") + level + "/" + strategy;
        unclear.forEach(m -> broken.add(label + ": an abort that does not say the transaction was rolled back: " + m));
        Map<Long, List<Long>> end = BulkFixtures.snapshot(db, t);
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
        }
        summary.add(label + ": " + aborted.get() + " of " + THREADS * ROUNDS + " calls aborted, "
                + readAborted.get() + " of them in the caller's own read");
        return aborted.get();
    }

    /** A connection whose batches answer "no info" for every row, as Connector/J's bulk protocol does. */
    private static Connection noInfoConnection(TestDatabase db) throws SQLException {
        String url = db.url() + (db.url().contains("?") ? "&" : "?") + "useBulkStmts=true";
        return DriverManager.getConnection(url, db.user(), db.password());
    }

    private static Map<Long, long[]> read(Connection c, String t, List<Long> ids) throws SQLException {
        return BulkFixtures.priceAndVersion(c, t, ids);
    }
}
