package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.RowLockDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real serialization failures, deadlocks and lock timeouts, provoked on each database: they surface as
 * {@link TransactionAbortedException}, nothing of the aborted write is in the table, and {@code retry} gets the
 * write through afterwards.
 */
class TransactionAbortTest {

    private static VersionedTable products(TestDatabase db, String t) {
        return Concurrency.builder(db.dataSource()).table(t).build().table(t);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A snapshot taken by reading the row, a competing commit, then a write based on what the snapshot showed. */
    private static Throwable writeAfterCompetingCommit(TestDatabase db, String t, VersionedTable products,
                                                       int isolation) throws Exception {
        try (Connection a = db.rawConnection()) {
            a.setAutoCommit(false);
            a.setTransactionIsolation(isolation);
            Row seen = products.using(a).find(1).orElseThrow();
            products.update(1, seen.version(), Map.of("name", "competitor"));
            Throwable e = catchThrowable(() -> products.using(a).update(1, seen.version(), Map.of("price", 99)));
            a.rollback();
            return e;
        }
    }

    @PostgresqlOnly // PostgreSQL reports 40001 at REPEATABLE READ
    void aSerializationFailureIsAnAbortAndNothingOfItIsSaved(TestDatabase db) throws Exception {
        for (int isolation : new int[] {Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE}) {
            String t = Fixtures.productTable(db);
            VersionedTable products = products(db, t);

            Throwable e = writeAfterCompetingCommit(db, t, products, isolation);

            assertThat(e).isInstanceOf(TransactionAbortedException.class)
                    .hasMessageContaining("serialization failure")
                    .hasMessageContaining("rolled back the whole transaction");
            TransactionAbortedException abort = (TransactionAbortedException) e;
            assertThat(abort.sqlState()).isEqualTo("40001");
            assertThat(abort.transactionRolledBack()).isTrue();
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
            assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("competitor");
        }
    }

    @MariadbOnly // innodb_snapshot_isolation is a MariaDB setting
    void aSnapshotIsolationConflictOnMariaDbIsAnAbortAndNothingOfItIsSaved(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        VersionedTable products = products(db, t);

        try (Connection a = db.rawConnection()) {
            exec(a, "SET SESSION innodb_snapshot_isolation = ON");
            a.setAutoCommit(false);
            a.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Row seen = products.using(a).find(1).orElseThrow();
            products.update(1, seen.version(), Map.of("name", "competitor"));

            Throwable e = catchThrowable(() -> products.using(a).update(1, seen.version(), Map.of("price", 99)));
            a.rollback();

            assertThat(e).isInstanceOf(TransactionAbortedException.class).hasMessageContaining("snapshot");
            assertThat(((TransactionAbortedException) e).vendorCode()).isEqualTo(1020);
            assertThat(((TransactionAbortedException) e).transactionRolledBack()).isTrue();
        }
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("competitor");
    }

    @PostgresqlOnly // PostgreSQL reports 40001 at REPEATABLE READ
    void retryRunsAnAbortedTransactionAgainAndItsSecondAttemptIsSaved(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = concurrency.table(t);
        AtomicInteger attempts = new AtomicInteger();

        long version = concurrency.retry(RetryPolicy.custom().sleeper(ms -> { }).build(), () -> {
            try (Connection a = db.rawConnection()) {
                a.setAutoCommit(false);
                a.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                Row seen = products.using(a).find(1).orElseThrow();
                if (attempts.incrementAndGet() == 1) {
                    // Another writer, on its own connection (not this thread's engine: a write this attempt saved in
                    // auto-commit would rightly keep the retry from running it again).
                    db.execute("UPDATE " + t + " SET name = 'competitor', version = version + 1 WHERE id = 1");
                }
                try {
                    long v = products.using(a).update(1, seen.version(),
                            Map.of("price", ((Number) seen.get("price")).intValue() + 1));
                    a.commit();
                    return v;
                } finally {
                    a.rollback();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(attempts).hasValue(2);
        assertThat(version).isEqualTo(3);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(3);
    }

    @RowLockDatabases // SQLite has no row locks to deadlock on
    void aDeadlockAbortsOneSideWhoseWriteIsNotSavedWhileTheOtherSideCommits(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        VersionedTable products = products(db, t);
        CyclicBarrier bothLocked = new CyclicBarrier(2);

        try (Connection a = db.rawConnection(); Connection b = db.rawConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            CompletableFuture<Throwable> sideA = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
                products.using(a).update(1, 1L, Map.of("price", 101));
                bothLocked.await(10, TimeUnit.SECONDS);
                products.using(a).update(2, 1L, Map.of("price", 102));
                a.commit();
            }));
            CompletableFuture<Throwable> sideB = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
                products.using(b).update(2, 1L, Map.of("price", 202));
                bothLocked.await(10, TimeUnit.SECONDS);
                products.using(b).update(1, 1L, Map.of("price", 201));
                b.commit();
            }));
            Throwable ea = sideA.get(60, TimeUnit.SECONDS);
            Throwable eb = sideB.get(60, TimeUnit.SECONDS);
            a.rollback();
            b.rollback();

            assertThat(ea == null || eb == null).as("one side commits: %s / %s", ea, eb).isTrue();
            Throwable lost = ea != null ? ea : eb;
            assertThat(lost).isInstanceOf(TransactionAbortedException.class).hasMessageContaining("deadlock");
            int winnerBase = ea == null ? 100 : 200;
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(winnerBase + 1);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).isEqualTo(winnerBase + 2);
        }
    }

    @AllDatabases
    void aLockWaitTimeoutIsAnAbortOfTheStatementAndTheRowKeepsItsValues(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        VersionedTable products = products(db, t);

        try (Connection holder = db.rawConnection(); Connection waiter = impatient(db)) {
            holder.setAutoCommit(false);
            exec(holder, "UPDATE " + t + " SET stock = 6 WHERE id = 1");

            Throwable single = catchThrowable(() -> products.using(waiter).update(1, 1L, Map.of("price", 11)));
            Throwable bulk = catchThrowable(() -> products.using(waiter).updateAll(
                    List.of(new RowChange(1, 1L, Map.of("price", 12)), new RowChange(2, 1L, Map.of("price", 22)))));
            holder.rollback();

            for (Throwable e : List.of(single, bulk)) {
                assertThat(e).isInstanceOf(TransactionAbortedException.class)
                        .hasMessageContaining("Nothing of it was saved");
                // PostgreSQL fails the whole transaction on any error; the others undo only the statement.
                assertThat(((TransactionAbortedException) e).transactionRolledBack())
                        .isEqualTo(db.name().equals("postgresql"));
            }
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).isEqualTo(20);
            // Once the lock is gone the same write goes through.
            assertThat(products.using(waiter).update(1, 1L, Map.of("price", 11))).isEqualTo(2);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
        }
    }

    /** A connection that gives up waiting for a lock after about a second. */
    private static Connection impatient(TestDatabase db) throws SQLException {
        switch (db.name()) {
            case "sqlite":
                return DriverManager.getConnection(db.url().replace("busy_timeout=30000", "busy_timeout=300"));
            case "h2": {
                Connection c = db.rawConnection();
                exec(c, "SET LOCK_TIMEOUT 300");
                return c;
            }
            case "postgresql": {
                Connection c = db.rawConnection();
                exec(c, "SET lock_timeout = '300ms'");
                return c;
            }
            default: {
                Connection c = db.rawConnection();
                exec(c, "SET SESSION innodb_lock_wait_timeout = 1");
                return c;
            }
        }
    }
}
