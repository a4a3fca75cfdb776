package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Attack on a Spring transaction that the database has already ended: the application's own statement fails inside
 * the {@code @Transactional} method after a versioned write, and the application catches the failure and goes on.
 * PostgreSQL aborts the whole transaction on any error, and pgjdbc's {@code commit()} then rolls back and returns
 * normally, so Spring reports a commit: the write acknowledged in it (a form save, a merged form save counted by the
 * listener) is not in the table. Whatever the database, the outcome read from the table must match what the caller
 * was told: the transaction ends in an exception with nothing saved, or it commits with the write in the table.
 */
class SilentRollbackAttackTest {

    private static final class Setup {
        final TestDatabase db;
        final String table;
        final Concurrency concurrency;
        final VersionedTable products;
        final TransactionTemplate tx;
        final JdbcTemplate jdbc;
        final AtomicInteger merges = new AtomicInteger();

        Setup(TestDatabase db) {
            this.db = db;
            this.table = db.createTable("product", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(100), "
                    + "price INT, version BIGINT NOT NULL");
            db.execute("INSERT INTO " + table + " (id, name, price, version) VALUES (1, 'apple', 10, 1)");
            DataSource ds = new DriverManagerDataSource(db.url(), db.user() == null ? "" : db.user(),
                    db.password() == null ? "" : db.password());
            this.tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
            this.jdbc = new JdbcTemplate(ds);
            this.concurrency = Concurrency.builder(new SpringConnectionSource(ds)).table(table)
                    .listener(new ConcurrencyListener() {
                        @Override
                        public void merged(String t, Object key) {
                            merges.incrementAndGet();
                        }
                    }).build();
            this.products = concurrency.table(table);
        }

        /** The application's own statement fails in the transaction, and the application carries on. */
        void failingStatementCaught() {
            try {
                jdbc.queryForObject("SELECT price FROM " + table + " WHERE no_such_column = 1", Integer.class);
                throw new AssertionError("the failing statement ran");
            } catch (DataAccessException expected) {
                // An application that logs the failure and goes on, as many do around an optional step.
            }
        }

        long price() {
            return db.queryLong("SELECT price FROM " + table + " WHERE id = 1");
        }

        long version() {
            return db.queryLong("SELECT version FROM " + table + " WHERE id = 1");
        }
    }

    @AllDatabases
    void aWriteAcknowledgedInATransactionThatCannotCommitIsNotReportedCommitted(TestDatabase db) {
        Setup s = new Setup(db);

        long[] acknowledged = new long[1];
        Throwable e = catchThrowable(() -> s.tx.executeWithoutResult(status -> {
            acknowledged[0] = s.products.update(1, 1L, Map.of("price", 11));
            s.failingStatementCaught();
        }));

        assertThat(acknowledged[0]).isEqualTo(2);
        if (e == null) {
            assertThat(s.price()).as("the transaction reported committed, so its acknowledged write is saved")
                    .isEqualTo(11);
            assertThat(s.version()).isEqualTo(2);
        } else {
            assertThat(s.price()).as("the transaction failed, so nothing of it is saved").isEqualTo(10);
            assertThat(s.version()).isEqualTo(1);
            assertThat(e).isInstanceOf(UnexpectedRollbackException.class)
                    .hasMessageContaining("nothing of it was saved");
        }
        if (db.name().equals("postgresql")) {
            assertThat(e).as("PostgreSQL aborted the transaction; its commit must not look successful").isNotNull();
        }
    }

    @AllDatabases
    void aMergedFormSaveInATransactionThatCannotCommitIsNeitherReportedNorCounted(TestDatabase db) {
        Setup s = new Setup(db);
        VersionTokens tokens = VersionTokens.random();
        Map<String, Object> shown = Map.of("name", "apple", "price", 10);
        VerifiedToken token = tokens.verify(tokens.sign(s.table, 1L, 1L, shown), s.table, 1L);
        // Someone else renames the row; this user's form, shown at version 1, changes the price: a merge.
        s.db.execute("UPDATE " + s.table + " SET name = 'green apple', version = 2 WHERE id = 1");

        FormSave[] saved = new FormSave[1];
        Throwable e = catchThrowable(() -> s.tx.executeWithoutResult(status -> {
            saved[0] = new FormVersion(token, true, null, s.concurrency.listener())
                    .update(s.products, 1L, Map.of("name", "apple", "price", 12));
            s.failingStatementCaught();
        }));

        assertThat(saved[0].merged()).isTrue();
        if (e == null) {
            assertThat(s.price()).as("reported saved, so in the table").isEqualTo(12);
            assertThat(s.merges.get()).isEqualTo(1);
        } else {
            assertThat(s.price()).as("the transaction failed, so nothing of it is saved").isEqualTo(10);
            assertThat(s.version()).isEqualTo(2);
            assertThat(s.merges.get()).as("a merge that was rolled back is not counted").isZero();
            assertThat(e).isInstanceOf(UnexpectedRollbackException.class);
        }
        if (db.name().equals("postgresql")) {
            assertThat(e).as("PostgreSQL aborted the transaction; its commit must not look successful").isNotNull();
        }
    }
}
