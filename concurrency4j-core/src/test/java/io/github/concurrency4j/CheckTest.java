package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The check-only call (the seed's {@code concurrency_check}) and its locking form. */
class CheckTest {

    @AllDatabases
    void checkPassesOnTheCurrentVersionAndRefusesAStaleOrDeletedRowWithoutWriting(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);

        products.check(1, 1L);
        products.check("1", 1L);
        products.update(1, 1L, Map.of("price", 11));
        RecordModifiedException stale = catchThrowableOfType(RecordModifiedException.class,
                () -> products.check(1, 1L));
        assertThat(stale.operation()).isEqualTo("check");
        assertThat(stale.expectedVersion()).isEqualTo(1);
        assertThat(stale.currentVersion()).hasValue(2);
        assertThat(stale.currentRow().orElseThrow().getInt("price")).isEqualTo(11);
        assertThat(stale.attemptedChanges()).isEmpty();
        assertThat(stale.getMessage()).contains("Refused check of " + t + " 1");

        products.delete(2, 1L);
        RecordModifiedException gone = catchThrowableOfType(RecordModifiedException.class,
                () -> products.check(2, 1L));
        assertThat(gone.isDeleted()).isTrue();

        // Checking writes nothing.
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
        // With checks off for the row, the check passes (the seed's concurrency_check does nothing then).
        try (DisableScope off = products.disable(1)) {
            products.check(1, 1L);
        }
    }

    /**
     * The snapshot attack: a transaction that has read anything (here another table) holds a REPEATABLE READ
     * snapshot; a competitor then commits a new version. A plain read inside the transaction would still see the
     * old version and let the check pass. The check must refuse (MariaDB, H2: the locking read sees the new
     * version) or the database must abort (PostgreSQL, SQLite refuse a locking read past the snapshot).
     */
    @AllDatabases
    void checkInsideATransactionIsNeverPassedByTheTransactionsSnapshot(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        String other = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);

        try (Connection tx = db.rawConnection()) {
            if (!db.name().equals("sqlite")) {
                tx.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            tx.setAutoCommit(false);
            try (Statement s = tx.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + other)) {
                rs.next();
            }
            products.update(1, 1L, Map.of("price", 12));   // a competitor commits version 2

            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> products.using(tx).check(1, 1L));
            assertThat(refused).as("a check of version 1 after version 2 was committed")
                    .isInstanceOf(ConcurrencyException.class);
            if (refused instanceof RecordModifiedException e) {
                assertThat(e.currentVersion()).hasValue(2);
            }
            tx.rollback();
        }
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
    }

    @AllDatabases
    void checkAndLockRefusesAutoCommitAndHoldsOffOtherWritersUntilCommit(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        assertThatThrownBy(() -> products.checkAndLock(1, 1L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("auto-commit");

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection tx = db.rawConnection()) {
            tx.setAutoCommit(false);
            VersionedTable mine = products.using(tx);
            mine.checkAndLock(1, 1L);
            RecordModifiedException stale = catchThrowableOfType(RecordModifiedException.class,
                    () -> mine.checkAndLock(2, 0L));
            assertThat(stale.operation()).isEqualTo("check");

            Future<Long> competitor = pool.submit(() -> products.update(1, 1L, Map.of("name", "competitor")));
            Thread.sleep(300);
            assertThat(competitor.isDone()).as("a competing write while the row is locked").isFalse();
            assertThat(mine.update(1, 1L, Map.of("name", "mine"))).isEqualTo(2);
            tx.commit();

            assertThatThrownBy(() -> competitor.get(60, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(RecordModifiedException.class);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("mine");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
    }
}
