package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.internal.SavedWrites;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.RowLockDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;

/**
 * {@code retry} inside a transaction of the caller's, at every isolation level the database has: each attempt adds
 * one to row 2's price, then to row 1's; during the first attempt a second user, on another thread and connection,
 * commits a change to row 1, so the first attempt's write of row 1 loses. Row 2's "+1" of that attempt is still in
 * the caller's transaction: running the attempt again there adds a second one, and the caller's commit saves two
 * for the one asked. Whatever the level, the outcome must be one of: the retry returned and the commit saved each
 * "+1" once (row 2 at 21), or the retry threw and nothing of the caller's transaction is kept once it rolls back.
 * And a caller's transaction rolled back after a write "saved" in it is not counted as saved
 * ({@link SavedWrites}): the writes of a caller's transaction are the caller's to keep or drop.
 */
class RetryInCallersTransactionMatrixTest {
    private static final RetryPolicy NO_WAIT = RetryPolicy.custom().maxAttempts(3).sleeper(ms -> { }).build();

    private static void exec(TestDatabase db, String sql) {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One attempt: row 2 "+1", row 1 "+1"; the first attempt's row 1 is changed by the second user meanwhile. Where
     * the caller's read locked row 1 (MariaDB SERIALIZABLE), the second user waits for the caller's transaction to
     * end and commits after it.
     */
    private static void attempt(TestDatabase db, String t, VersionedTable tx, AtomicInteger attempts, boolean bulk,
                                List<CompletableFuture<Void>> secondUser) throws Exception {
        Row two = tx.find(2).orElseThrow();
        if (bulk) {
            tx.updateAll(List.of(RowChange.of(two, Map.of("price", two.getLong("price") + 1))), BulkPolicy.ABORT_ALL);
        } else {
            tx.update(2, two.version(), Map.of("price", two.getLong("price") + 1));
        }
        Row one = tx.find(1).orElseThrow();
        if (attempts.incrementAndGet() == 1) {
            // The second user, on its own thread and connection, commits row 1 from the same version.
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> exec(db, "UPDATE " + t
                    + " SET stock = 0, version = version + 1 WHERE id = 1"));
            secondUser.add(other);
            try {
                other.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException waitingForTheCallersLock) {
                // It commits once the caller's transaction ends.
            }
        }
        tx.update(1, one.version(), Map.of("price", one.getLong("price") + 1));
    }

    @RowLockDatabases
    void aRetryInsideTheCallersTransactionNeverSavesAnAttemptsWriteTwice(TestDatabase db) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        List<String> outcomes = new ArrayList<>();
        for (Isolation level : NewestPathsIsolationMatrixTest.levels(db)) {
            for (boolean bulk : new boolean[] {false, true}) {
                for (boolean commit : new boolean[] {true, false}) {
                    String t = Fixtures.productTable(db);
                    Concurrency concurrency = Fixtures.concurrency(db.dataSource(), t,
                            VersionStrategy.autoIncrement());
                    String what = level + (bulk ? " updateAll" : " update") + (commit ? ", commit" : ", rollback");
                    AtomicInteger attempts = new AtomicInteger();
                    List<CompletableFuture<Void>> secondUser = new ArrayList<>();
                    Throwable thrown;
                    long savedBefore = SavedWrites.count();
                    long savedAfter;
                    try (Connection c = db.dataSource().getConnection()) {
                        c.setTransactionIsolation(level.jdbcLevel());
                        c.setAutoCommit(false);
                        VersionedTable tx = concurrency.table(t).using(c);
                        thrown = catchThrowable(() -> concurrency.retry(NO_WAIT, () -> {
                            try {
                                attempt(db, t, tx, attempts, bulk, secondUser);
                            } catch (RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }));
                        savedAfter = SavedWrites.count();
                        if (commit && thrown == null) {
                            c.commit();
                        } else {
                            c.rollback();
                        }
                        c.setAutoCommit(true);
                    }
                    boolean secondUserCommitted = true;
                    for (CompletableFuture<Void> other : secondUser) {
                        // The database may pick the second user as a deadlock's victim (MariaDB SERIALIZABLE).
                        secondUserCommitted &= catchThrowable(() -> other.get(60, TimeUnit.SECONDS)) == null;
                    }
                    long price2 = db.queryLong("SELECT price FROM " + t + " WHERE id = 2");
                    long price1 = db.queryLong("SELECT price FROM " + t + " WHERE id = 1");
                    long stock1 = db.queryLong("SELECT stock FROM " + t + " WHERE id = 1");
                    String seen = what + ": " + attempts.get() + " attempt(s), " + (thrown == null ? "returned"
                            : "threw " + thrown.getClass().getSimpleName()) + "; table: row 1 price " + price1
                            + " stock " + stock1 + ", row 2 price " + price2 + (secondUserCommitted ? ""
                            : " (the second user was aborted)");
                    outcomes.add(seen);
                    soft.assertThat(stock1).as(seen + " (the second user's commit stays)")
                            .isEqualTo(secondUserCommitted ? 0 : 5);
                    soft.assertThat(savedAfter - savedBefore).as(seen + " (writes counted as saved for good)")
                            .isZero();
                    if (thrown == null && commit) {
                        soft.assertThat(price2).as(seen + " (one +1 asked of row 2)").isEqualTo(21);
                        soft.assertThat(price1).as(seen + " (one +1 asked of row 1)").isEqualTo(11);
                    } else {
                        soft.assertThat(price2).as(seen + " (rolled back)").isEqualTo(20);
                        soft.assertThat(price1).as(seen + " (rolled back)").isEqualTo(10);
                    }
                    if (thrown != null) {
                        soft.assertThat(thrown).as(seen).isInstanceOf(ConcurrencyException.class);
                        for (Throwable note : thrown.getSuppressed()) {
                            soft.assertThat(note.getMessage()).as(seen + ": nothing was saved for good")
                                    .doesNotContain("already saved");
                        }
                    }
                }
            }
        }
        outcomes.forEach(o -> System.out.println("[retry in caller's transaction] " + db.name() + " " + o));
        soft.assertAll();
    }
}
