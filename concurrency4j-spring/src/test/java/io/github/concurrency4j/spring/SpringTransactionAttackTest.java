package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Attack (issue 14) on the Spring transaction integration: versioned writes through {@link SpringConnectionSource}
 * inside Spring transactions (a {@code DataSourceTransactionManager}, as {@code @Transactional} uses), on every
 * database. A conflict inside the transaction, a conflict caught and answered inside it, a nested transaction
 * (a savepoint) that loses a race or is cancelled after a bulk save, a read-only transaction, and a retry inside the
 * transaction. Each case reads the table after the transaction ended, on a connection of its own: what a write
 * reported saved and the transaction committed is there; what was refused or rolled back is not.
 */
class SpringTransactionAttackTest {

    /** One database, one product table (rows 1 apple 10, 2 pear 20, 3 plum 30, all at version 1). */
    private static final class Setup {
        final TestDatabase db;
        final String table;
        final Concurrency concurrency;
        final VersionedTable products;
        final TransactionTemplate tx;
        final TransactionTemplate nested;
        final JdbcTemplate jdbc;

        Setup(TestDatabase db) {
            this.db = db;
            this.table = db.createTable("product", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(100), "
                    + "price INT, version BIGINT NOT NULL");
            db.execute("INSERT INTO " + table + " (id, name, price, version) VALUES (1, 'apple', 10, 1)",
                    "INSERT INTO " + table + " (id, name, price, version) VALUES (2, 'pear', 20, 1)",
                    "INSERT INTO " + table + " (id, name, price, version) VALUES (3, 'plum', 30, 1)");
            // Not pooled: every transaction gets a connection of its own, and session settings die with it.
            DataSource ds = new DriverManagerDataSource(db.url(), db.user() == null ? "" : db.user(),
                    db.password() == null ? "" : db.password());
            DataSourceTransactionManager manager = new DataSourceTransactionManager(ds);
            this.tx = new TransactionTemplate(manager);
            this.nested = new TransactionTemplate(manager);
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            this.jdbc = new JdbcTemplate(ds);
            this.concurrency = Concurrency.builder(new SpringConnectionSource(ds)).table(table).build();
            this.products = concurrency.table(table);
        }

        /** Another user saves row 1 on a connection of their own: name "competitor", version 2. */
        void competitorSavesRow1() {
            db.execute("UPDATE " + table + " SET name = 'competitor', version = version + 1 WHERE id = 1");
        }

        long price(int id) {
            return db.queryLong("SELECT price FROM " + table + " WHERE id = " + id);
        }

        Object name(int id) {
            return db.queryValue("SELECT name FROM " + table + " WHERE id = " + id);
        }
    }

    @AllDatabases
    void aConflictInsideATransactionRollsItBackWholeAndKeepsTheWinnersRow(TestDatabase db) {
        Setup s = new Setup(db);
        s.competitorSavesRow1();

        Throwable e = catchThrowable(() -> s.tx.executeWithoutResult(status -> {
            assertThat(s.products.update(2, 1L, Map.of("price", 77))).isEqualTo(2);
            s.products.update(1, 1L, Map.of("price", 99));
        }));

        assertThat(e).isInstanceOf(RecordModifiedException.class);
        assertThat(((RecordModifiedException) e).currentVersion()).hasValue(2);
        assertThat(s.price(2)).as("the transaction's earlier write rolled back with it").isEqualTo(20);
        assertThat(s.price(1)).isEqualTo(10);
        assertThat(s.name(1)).isEqualTo("competitor");
    }

    @AllDatabases
    void aConflictAnsweredInsideTheTransactionSavesExactlyWhatWasAcknowledged(TestDatabase db) {
        Setup s = new Setup(db);
        s.competitorSavesRow1();

        long[] versions = s.tx.execute(status -> {
            long two = s.products.update(2, 1L, Map.of("price", 77));
            long current;
            try {
                s.products.update(1, 1L, Map.of("price", 99));
                throw new AssertionError("a stale write was accepted");
            } catch (RecordModifiedException conflict) {
                current = conflict.currentVersion().orElseThrow();
            }
            // The application shows the user the winner's row and the user saves again, in the same transaction.
            long one = s.products.update(1, current, Map.of("price", 98));
            return new long[] {two, one};
        });

        assertThat(versions).containsExactly(2, 3);
        assertThat(s.price(2)).isEqualTo(77);
        assertThat(s.price(1)).isEqualTo(98);
        assertThat(s.name(1)).as("the winner's change is kept under the second save").isEqualTo("competitor");
        assertThat(s.db.queryLong("SELECT version FROM " + s.table + " WHERE id = 1")).isEqualTo(3);
    }

    @AllDatabases
    void aNestedTransactionThatLosesItsRaceUndoesOnlyItselfAndTheOuterCommits(TestDatabase db) {
        Setup s = new Setup(db);
        s.competitorSavesRow1();

        Throwable inner = s.tx.execute(status -> {
            s.products.update(2, 1L, Map.of("price", 77));
            Throwable e = catchThrowable(() -> s.nested.executeWithoutResult(n -> {
                s.products.update(3, 1L, Map.of("price", 33));             // saved in the savepoint ...
                s.products.update(1, 1L, Map.of("price", 99));             // ... which this conflict undoes
            }));
            s.products.update(3, 1L, Map.of("name", "plum, outer"));       // row 3 is at version 1 again
            return e;
        });

        assertThat(inner).isInstanceOf(RecordModifiedException.class);
        assertThat(s.price(2)).isEqualTo(77);
        assertThat(s.price(3)).as("undone with the nested transaction").isEqualTo(30);
        assertThat(s.name(3)).isEqualTo("plum, outer");
        assertThat(s.price(1)).isEqualTo(10);
        assertThat(s.name(1)).isEqualTo("competitor");
    }

    /**
     * A bulk save runs under a savepoint of its own inside the caller's transaction; here that transaction is itself
     * a nested one (a Spring savepoint) that the application cancels after the save. Releasing the engine's savepoint
     * must not release Spring's: the cancel undoes the bulk save, and the outer transaction's own write is kept.
     */
    @AllDatabases
    void aBulkSaveInsideACancelledNestedTransactionIsUndoneAndTheOuterWriteKept(TestDatabase db) {
        Setup s = new Setup(db);
        s.competitorSavesRow1();

        BulkResult result = s.tx.execute(status -> {
            s.products.update(2, 1L, Map.of("price", 77));
            BulkResult[] seen = new BulkResult[1];
            s.nested.executeWithoutResult(n -> {
                seen[0] = s.products.updateAll(List.of(new RowChange(1, 1L, Map.of("price", 99)),
                        new RowChange(3, 1L, Map.of("price", 33))), BulkPolicy.SKIP_CONFLICTS);
                n.setRollbackOnly();                                        // the user pressed "cancel"
            });
            return seen[0];
        });

        assertThat(result.saved()).extracting(i -> ((Number) i.key()).longValue()).containsExactly(3L);
        assertThat(result.conflicts()).hasSize(1);
        assertThat(s.price(3)).as("saved inside the nested transaction, then cancelled with it").isEqualTo(30);
        assertThat(s.price(1)).isEqualTo(10);
        assertThat(s.price(2)).isEqualTo(77);
    }

    /**
     * A write in a read-only Spring transaction: PostgreSQL refuses it (the driver makes the transaction READ ONLY),
     * the others may take it. Either way the answer must match the table: refused means not there, returned and
     * committed means there.
     */
    @AllDatabases
    void aWriteInAReadOnlyTransactionIsRefusedWithNothingSavedOrSavedAsReported(TestDatabase db) {
        Setup s = new Setup(db);
        s.tx.setReadOnly(true);

        Long[] version = new Long[1];
        Throwable e = catchThrowable(() -> s.tx.executeWithoutResult(status ->
                version[0] = s.products.update(2, 1L, Map.of("price", 77))));

        if (e == null) {
            assertThat(version[0]).isEqualTo(2);
            assertThat(s.price(2)).isEqualTo(77);
        } else {
            assertThat(e).isInstanceOf(ConcurrencyException.class).hasMessageContaining("update " + s.table + " 2");
            assertThat(s.price(2)).isEqualTo(20);
            assertThat(s.db.queryLong("SELECT version FROM " + s.table + " WHERE id = 2")).isEqualTo(1);
        }
        if (db.name().equals("postgresql")) {
            assertThat(e).as("PostgreSQL enforces read-only transactions").isNotNull();
        }
    }

    /**
     * {@code concurrency.retry} inside a {@code @Transactional} method on MariaDB, whose snapshot isolation ends the
     * whole transaction on a stale write: the write acknowledged before the retry is gone with it, so the retry must
     * not run again in a new transaction that Spring would then commit as if nothing were lost.
     */
    @MariadbOnly // innodb_snapshot_isolation is a MariaDB setting
    void aRetryInsideASpringTransactionThatTheDatabaseEndedIsNotRunAgain(TestDatabase db) {
        Setup s = new Setup(db);
        RetryPolicy noWait = RetryPolicy.custom().maxAttempts(5).sleeper(ms -> { }).build();
        s.tx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);

        Throwable e = catchThrowable(() -> s.tx.executeWithoutResult(status -> {
            s.jdbc.execute("SET SESSION innodb_snapshot_isolation = ON");   // on the transaction's connection
            s.products.update(2, 1L, Map.of("price", 77));
            s.products.find(1).orElseThrow();
            s.competitorSavesRow1();
            s.concurrency.retry(noWait, () -> {
                Row r = s.products.find(1).orElseThrow();
                return s.products.update(1, r.version(), Map.of("price", 99));
            });
        }));

        assertThat(e).isInstanceOf(TransactionAbortedException.class);
        assertThat(((TransactionAbortedException) e).inCallersTransaction()).isTrue();
        assertThat(s.price(2)).isEqualTo(20);
        assertThat(s.price(1)).isEqualTo(10);
        assertThat(s.name(1)).isEqualTo("competitor");
    }

    /**
     * The right way round: the retry around a whole Spring transaction. The same abort ends the first attempt's
     * transaction, which Spring rolls back and whose connection it releases; the retry must then run the whole
     * transaction again, and both of its writes are saved.
     */
    @MariadbOnly // innodb_snapshot_isolation is a MariaDB setting
    void aRetryAroundASpringTransactionRunsItAgainAfterTheDatabaseEndedIt(TestDatabase db) {
        Setup s = new Setup(db);
        RetryPolicy noWait = RetryPolicy.custom().maxAttempts(5).sleeper(ms -> { }).build();
        s.tx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        int[] attempts = new int[1];

        long version = s.concurrency.retry(noWait, () -> s.tx.execute(status -> {
            attempts[0]++;
            s.jdbc.execute("SET SESSION innodb_snapshot_isolation = ON");
            s.products.update(2, 1L, Map.of("price", 70 + attempts[0]));
            Row r = s.products.find(1).orElseThrow();
            if (attempts[0] == 1) {
                s.competitorSavesRow1();                                  // after this attempt's snapshot
            }
            return s.products.update(1, r.version(), Map.of("price", 99));
        }));

        assertThat(attempts[0]).isEqualTo(2);
        assertThat(version).isEqualTo(3);
        assertThat(s.price(1)).isEqualTo(99);
        assertThat(s.name(1)).isEqualTo("competitor");
        assertThat(s.price(2)).as("the first attempt's write rolled back, the second's saved").isEqualTo(72);
        assertThat(s.db.queryLong("SELECT version FROM " + s.table + " WHERE id = 2")).isEqualTo(2);
    }
}
