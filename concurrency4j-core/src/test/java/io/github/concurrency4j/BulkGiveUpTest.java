package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import javax.sql.DataSource;

/**
 * PostgreSQL's bulk statement first runs without locking its rows in key order, giving up after a short
 * {@code lock_timeout} on a row another transaction holds; the engine then undoes it and runs the chunk again with its
 * rows locked in key order. These tests hold a row in another transaction while a bulk write reaches it and check
 * that the write gives up, waits its turn the second time, and reports exactly what the table holds afterwards; and
 * that the short lock timeout never leaks: not into the pooled session after the engine's own transaction, not into
 * the rest of a caller's transaction, whether the statement succeeded or gave up.
 */
class BulkGiveUpTest {
    private static final long HOLD_MILLIS = 400;

    /** The UPDATE and DELETE statements executed, in order. */
    private static List<String> writes(CountingDataSource counting) {
        return counting.executed().stream().filter(s -> s.contains("unnest")).toList();
    }

    /**
     * Holds row {@code id} in another transaction (an update that sets its price to -1 and, when {@code bump}, its
     * version to 2, as a competing save would) for {@link #HOLD_MILLIS}, then commits. Returns once the lock is held.
     */
    private static Future<?> hold(ExecutorService pool, TestDatabase db, String t, long id, boolean bump)
            throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Future<?> holder = pool.submit(() -> {
            try (Connection c = db.rawConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE " + t + " SET price = -1" + (bump ? ", version = 2" : "") + " WHERE id = "
                            + id);
                }
                held.countDown();
                Thread.sleep(HOLD_MILLIS);
                c.commit();
            }
            return null;
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).as("the other transaction holds row %d", id).isTrue();
        return holder;
    }

    private static String lockTimeout(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW lock_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @PostgresqlOnly
    void aBulkUpdateMeetingAHeldRowGivesUpThenWaitsItsTurnAndRefusesTheRowTheOtherSaved(TestDatabase db)
            throws Exception {
        String t = BulkFixtures.itemTable(db, 1_000);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // Warm: the first bulk write of a table reads its column types.
            assertThat(items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 1))), BulkPolicy.ABORT_ALL)
                    .saved()).hasSize(1);
            db.execute("UPDATE " + t + " SET version = 1");
            Future<?> holder = hold(pool, db, t, 500, true);
            counting.reset();
            long started = System.nanoTime();
            BulkResult result = items.updateAll(BulkFixtures.priceChanges(1_000, 3), BulkPolicy.SKIP_CONFLICTS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            holder.get(10, TimeUnit.SECONDS);

            List<String> writes = writes(counting);
            assertThat(writes).as("the first statement gave up, the second locked in key order").hasSize(2);
            assertThat(writes.get(0)).contains("set_config('lock_timeout'").doesNotContain("FOR UPDATE");
            assertThat(writes.get(1)).contains("FOR UPDATE").doesNotContain("lock_timeout");
            assertThat(tookMillis).as("the second statement waited for the other transaction").isGreaterThan(
                    HOLD_MILLIS / 2);
            // Both directions, from the table: row 500 is the other transaction's, reported refused; the rest saved.
            assertThat(result.conflicts()).singleElement().satisfies(c -> assertThat(c.key()).isEqualTo(500L));
            assertThat(result.savedVersions()).hasSize(999).doesNotContainKey(500L);
            Map<Long, List<Long>> stored = BulkFixtures.snapshot(db, t);
            assertThat(stored.get(500L)).containsExactly(-1L, 2L);
            for (long id = 1; id <= 1_000; id++) {
                if (id != 500) {
                    assertThat(stored.get(id)).as("row %d", id).containsExactly(id * 3, 2L);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @PostgresqlOnly
    void aBulkDeleteMeetingAHeldRowThatKeepsItsVersionGivesUpThenDeletesEveryRow(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 300);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = hold(pool, db, t, 7, false);
            counting.reset();
            List<Identity> shown = LongStream.rangeClosed(1, 300).mapToObj(id -> Identity.of(id, 1)).toList();
            BulkResult result = items.deleteAll(shown, BulkPolicy.ABORT_ALL);
            holder.get(10, TimeUnit.SECONDS);

            assertThat(writes(counting)).hasSize(2);
            assertThat(writes(counting).get(1)).contains("FOR UPDATE");
            assertThat(result.saved()).hasSize(300);
            assertThat(BulkFixtures.count(db, t)).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @PostgresqlOnly
    void inItsOwnTransactionOnAGivenConnectionTheSessionKeepsItsLockTimeout(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 200);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        try (Connection c = db.rawConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '7s'");
            }
            BulkResult result = items.using(c).updateAll(BulkFixtures.priceChanges(200, 2), BulkPolicy.ABORT_ALL);
            assertThat(result.saved()).hasSize(200);
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(lockTimeout(c)).as("the engine's own transaction ended with its setting").isEqualTo("7s");
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 2 AND price = id * 2")).isEqualTo(200);
    }

    @PostgresqlOnly
    void inTheCallersTransactionTheCallersLockTimeoutIsBackAfterASuccessAndAfterGivingUp(TestDatabase db)
            throws Exception {
        String t = BulkFixtures.itemTable(db, 500);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection raw = db.rawConnection()) {
            // The caller's connection, counting what the engine executes on it.
            CountingDataSource counting = new CountingDataSource((DataSource) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> raw));
            Connection c = counting.getConnection();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '7s'");
            }
            List<RowChange> upper = LongStream.rangeClosed(251, 500)
                    .mapToObj(id -> RowChange.of(id, 1L, Map.of("price", (int) id * 2))).toList();
            BulkResult first = items.using(c).updateAll(upper, BulkPolicy.ABORT_ALL);
            assertThat(first.saved()).hasSize(250);
            assertThat(writes(counting)).singleElement().asString().startsWith("WITH").contains("lock_timeout");
            assertThat(lockTimeout(c)).as("after a statement that did not give up").isEqualTo("7s");

            // Row 100, held by another transaction that leaves its version alone: the caller's second save gives
            // up, goes back to its savepoint, runs again locked in key order and waits for the row.
            Future<?> holder = hold(pool, db, t, 100, false);
            List<RowChange> lower = LongStream.rangeClosed(1, 250)
                    .mapToObj(id -> RowChange.of(id, 1L, Map.of("price", (int) id * 5))).toList();
            counting.reset();
            long started = System.nanoTime();
            BulkResult second = items.using(c).updateAll(lower, BulkPolicy.ABORT_ALL);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            holder.get(10, TimeUnit.SECONDS);
            assertThat(tookMillis).as("the second statement waited for the other transaction").isGreaterThan(
                    HOLD_MILLIS / 2);
            assertThat(second.saved()).hasSize(250);
            assertThat(writes(counting)).as("gave up, then locked in key order").hasSize(2);
            assertThat(writes(counting).get(1)).contains("FOR UPDATE");
            assertThat(lockTimeout(c)).as("after a statement that gave up").isEqualTo("7s");
            c.commit();
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE id <= 250 AND version = 2 AND price = id * 5"))
                .isEqualTo(250);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE id > 250 AND version = 2 AND price = id * 2"))
                .isEqualTo(250);
    }
}
