package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.RowLockDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Attack (issue 14): {@code Concurrency.retry} called inside a transaction of the caller's ({@code using(connection)},
 * a {@code @Transactional} method). When the database aborts that transaction as a whole (an InnoDB deadlock or
 * snapshot-isolation conflict, an H2 deadlock), everything the transaction wrote before the retry is gone. Running
 * the attempt again on the same connection then starts a new transaction: the retry "succeeds", the caller commits,
 * and the writes acknowledged before the abort are silently missing from the table. Before the fix MariaDB did
 * exactly that: the earlier update returned its new version, the retry returned normally, the commit succeeded, and
 * the table kept the old value. The retry must give up on such an abort (the transaction is the caller's to run
 * again), so the caller sees it and nothing is reported saved that is not.
 */
class RetryInCallersTransactionAttackTest {

    private static final RetryPolicy NO_WAIT = RetryPolicy.custom().maxAttempts(5).sleeper(ms -> { }).build();

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** MariaDB's snapshot isolation ends the whole transaction on a stale write (1020): no threads needed. */
    @MariadbOnly // innodb_snapshot_isolation is a MariaDB setting
    void aRetryNeverRunsOnAfterTheDatabaseRolledBackTheCallersTransaction(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = concurrency.table(t);

        Throwable failure;
        long acknowledged;
        try (Connection a = db.rawConnection()) {
            exec(a, "SET SESSION innodb_snapshot_isolation = ON");
            a.setAutoCommit(false);
            a.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            VersionedTable tx = products.using(a);
            acknowledged = tx.update(2, 1L, Map.of("price", 77));         // acknowledged inside the transaction
            tx.find(1).orElseThrow();                                      // the snapshot now holds row 1
            products.update(1, 1L, Map.of("name", "competitor"));         // another connection commits row 1
            failure = catchThrowable(() -> concurrency.retry(NO_WAIT, () -> {
                Row r = tx.find(1).orElseThrow();
                return tx.update(1, r.version(), Map.of("price", 99));
            }));
            if (failure == null) {
                a.commit();
            } else {
                a.rollback();
            }
        }

        assertThat(acknowledged).isEqualTo(2);
        assertAcknowledgedIffStored(db, t, failure);
        assertThat(failure).as("the abort reaches the caller instead of a retry in a new transaction")
                .isInstanceOf(TransactionAbortedException.class)
                .hasMessageContaining("rolled back the whole transaction");
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("competitor");
    }

    /**
     * A real deadlock: the caller's transaction (one row written) against a heavier one (many rows written), so the
     * database picks the caller's as the victim where it weighs transactions (InnoDB). Whatever the database picks,
     * a retry that returned normally and a commit that succeeded must mean both of the caller's writes are stored.
     */
    @RowLockDatabases
    void aRetryInsideADeadlockedCallersTransactionNeverLosesTheWritesBeforeIt(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        String filler = db.createTable("filler", "id " + db.keyType() + " PRIMARY KEY, v INT");
        for (int i = 1; i <= 30; i++) {
            db.execute("INSERT INTO " + filler + " (id, v) VALUES (" + i + ", 0)");
        }
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = concurrency.table(t);

        Throwable failure;
        CompletableFuture<Void> other;
        try (Connection a = db.rawConnection(); Connection b = db.rawConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            VersionedTable tx = products.using(a);
            tx.update(2, 1L, Map.of("price", 77));                       // a holds row 2
            exec(b, "UPDATE " + filler + " SET v = v + 1");               // b is the heavier transaction
            exec(b, "UPDATE " + t + " SET name = 'competitor', version = version + 1 WHERE id = 1");  // b holds row 1
            other = CompletableFuture.runAsync(() -> {
                try {
                    exec(b, "UPDATE " + t + " SET stock = 70, version = version + 1 WHERE id = 2");   // waits for a
                    b.commit();
                } catch (SQLException e) {
                    try {
                        b.rollback();
                    } catch (SQLException ignored) {
                        // reported below through the future
                    }
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            failure = catchThrowable(() -> concurrency.retry(NO_WAIT, () -> {
                Row r = tx.find(1).orElseThrow();
                return tx.update(1, r.version(), Map.of("price", 99)); // waits for b: a deadlock
            }));
            if (failure == null) {
                a.commit();
            } else {
                a.rollback();
            }
            catchThrowable(() -> other.get(60, TimeUnit.SECONDS));
        }
        assertAcknowledgedIffStored(db, t, failure);
    }

    /** The caller was told success exactly when both of its writes (row 2 price 77, row 1 price 99) are stored. */
    private static void assertAcknowledgedIffStored(TestDatabase db, String t, Throwable failure) {
        long price1 = db.queryLong("SELECT price FROM " + t + " WHERE id = 1");
        long price2 = db.queryLong("SELECT price FROM " + t + " WHERE id = 2");
        if (failure == null) {
            assertThat(price2).as("row 2 was acknowledged (update returned, retry returned, commit succeeded)")
                    .isEqualTo(77);
            assertThat(price1).as("row 1 was acknowledged by the retry").isEqualTo(99);
        } else {
            assertThat(failure).isInstanceOf(ConcurrencyException.class);
            assertThat(price2).as("the caller rolled back after the failure").isEqualTo(20);
            assertThat(price1).as("the caller rolled back after the failure").isEqualTo(10);
        }
    }
}
