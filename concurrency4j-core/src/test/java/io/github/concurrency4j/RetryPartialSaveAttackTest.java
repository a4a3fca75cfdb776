package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.RowLockDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code retry} around work that writes two rows, each in auto-commit, and loses the race on the second: the first
 * write is committed for good. Before, the attempt was run again and made the first write a second time (one "+1"
 * asked for, two saved, the caller told of neither). Now such an attempt is not retried: its conflict is thrown, with
 * a note saying why, and the table holds the first write once. The same work in one transaction, which the conflict
 * rolls back, is retried and saves each write once. Every case reads the table back.
 */
class RetryPartialSaveAttackTest {
    private static final RetryPolicy NO_WAIT = RetryPolicy.custom().maxAttempts(3).sleeper(ms -> { }).build();

    /** Adds one to row 1's price, then to row 2's; the first attempt's row 2 is changed by someone else meanwhile. */
    private static void twoIncrements(TestDatabase db, String t, VersionedTable products, AtomicInteger attempts,
                                      boolean bulkFirst) {
        Row one = products.find(1).orElseThrow();
        Row two = products.find(2).orElseThrow();
        if (attempts.incrementAndGet() == 1) {
            db.execute("UPDATE " + t + " SET stock = 0, version = version + 1 WHERE id = 2");
        }
        Map<String, Object> plusOne = Map.of("price", one.getLong("price") + 1);
        if (bulkFirst) {
            products.updateAll(List.of(RowChange.of(one, plusOne)), BulkPolicy.ABORT_ALL);
        } else {
            products.update(1, one.version(), plusOne);
        }
        products.update(2, two.version(), Map.of("price", two.getLong("price") + 1));
    }

    @AllDatabases
    void anAttemptThatSavedAWriteBeforeLosingTheRaceIsNotRunAgain(TestDatabase db) {
        for (boolean bulkFirst : new boolean[] {false, true}) {
            String t = Fixtures.productTable(db);
            Concurrency concurrency = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement());
            VersionedTable products = concurrency.table(t);
            AtomicInteger attempts = new AtomicInteger();

            Throwable thrown = catchThrowable(() -> concurrency.retry(NO_WAIT,
                    () -> twoIncrements(db, t, products, attempts, bulkFirst)));

            String label = bulkFirst ? "updateAll first" : "update first";
            assertThat(attempts.get()).as(label + ": attempts").isEqualTo(1);
            assertThat(thrown).as(label).isInstanceOf(RecordModifiedException.class);
            assertThat(thrown.getSuppressed()).as(label).singleElement().extracting(Throwable::getMessage)
                    .asString().contains("Not retried", "already saved 1 write", "one transaction");
            // Row 1 holds the one increment that was saved; row 2 what the other writer left.
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).as(label).isEqualTo(11);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).as(label).isEqualTo(2);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).as(label).isEqualTo(20);
            assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 2")).as(label).isZero();
        }
    }

    /** On the databases with row locks: SQLite's one writer would wait for the test's own transaction. */
    @RowLockDatabases
    void theSameWorkInOneTransactionIsRetriedAndSavesEachWriteOnce(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency concurrency = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement());
        VersionedTable products = concurrency.table(t);
        AtomicInteger attempts = new AtomicInteger();

        concurrency.retry(NO_WAIT, () -> {
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    twoIncrements(db, t, products.using(c), attempts, false);
                    c.commit();
                } catch (RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(attempts.get()).isEqualTo(2);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).isEqualTo(21);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 2")).isEqualTo(3);
    }
}
