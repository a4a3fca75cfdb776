package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failures the database reports at COMMIT rather than at a statement (issue 14): a PostgreSQL SERIALIZABLE
 * read/write dependency detected when the second of two transactions commits, and {@code DEFERRABLE INITIALLY
 * DEFERRED} constraints. In a transaction the library owns, such a failure is what the operation reports: an
 * abort ({@link TransactionAbortedException}, which retry runs again) or a statement failure, with nothing saved.
 * In the caller's transaction the library has already answered for the statement, and the acknowledgement of the
 * write is the caller's commit: when that commit fails, nothing was saved and the library has counted nothing.
 *
 * <p>The write skew is PostgreSQL's on-call example: two doctors on call, each goes off call if the other is still
 * on; each transaction reads both rows and writes its own. Run serializably, the second commit must fail.
 */
class CommitTimeAbortTest {

    /** Everything the listener heard, by event. */
    private static final class Heard implements ConcurrencyListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void conflict(RecordModifiedException conflict) {
            events.add("conflict " + conflict.key());
        }

        @Override
        public void retrying(String table, RuntimeException failure, int nextAttempt) {
            events.add("retrying " + nextAttempt);
        }

        @Override
        public void merged(String table, Object key) {
            events.add("merged " + key);
        }
    }

    private static HikariDataSource serializable(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
        return new HikariDataSource(config);
    }

    /** Doctors 1 and 2, both on call, at version 1. */
    private static String onCall(TestDatabase db) {
        String t = db.createTable("on_call", "id BIGINT PRIMARY KEY, on_call INT NOT NULL, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, on_call, version) VALUES (1, 1, 1), (2, 1, 1)");
        return t;
    }

    private static long onCallCount(Connection c, String t) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SUM(on_call) FROM " + t)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    /** The other doctor's transaction, opened, reading both rows and going off call; left uncommitted. */
    private static Connection otherDoctorGoesOffCall(TestDatabase db, String t) throws SQLException {
        Connection other = db.rawConnection();
        other.setAutoCommit(false);
        other.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(onCallCount(other, t)).isEqualTo(2);
        execute(other, "UPDATE " + t + " SET on_call = 0, version = version + 1 WHERE id = 2");
        return other;
    }

    private static String row(TestDatabase db, String t, long id) {
        return db.queryLong("SELECT on_call FROM " + t + " WHERE id = " + id) + "@v"
                + db.queryLong("SELECT version FROM " + t + " WHERE id = " + id);
    }

    @PostgresqlOnly
    void aWriteSkewFailingTheGuardsOwnCommitIsAnAbortWithNothingSaved(TestDatabase db) throws Exception {
        String t = onCall(db);
        Heard heard = new Heard();
        try (HikariDataSource ds = serializable(db)) {
            VersionedTable doctors = Concurrency.builder(ds).table(t).listener(heard).build().table(t);
            Connection[] other = new Connection[1];
            Throwable thrown = catchThrowable(() -> doctors.guard(List.of(Identity.of(1L, 1)), c -> {
                long before = onCallCount(c, t);
                other[0] = otherDoctorGoesOffCall(db, t);
                int wrote = before >= 2 ? execute(c, "UPDATE " + t + " SET on_call = 0, version = version + 1 "
                        + "WHERE id = 1") : 0;
                other[0].commit();
                return wrote;
            }));
            other[0].close();

            assertThat(thrown).as("the guard's own commit fails the dependency cycle")
                    .isInstanceOf(TransactionAbortedException.class);
            TransactionAbortedException aborted = (TransactionAbortedException) thrown;
            assertThat(aborted.sqlState()).isEqualTo("40001");
            assertThat(aborted.transactionRolledBack()).isTrue();
            assertThat(aborted.getMessage()).contains("commit").contains("nothing of it was saved");
            assertThat(heard.events).isEmpty();
        }
        assertThat(row(db, t, 1)).as("doctor 1, whose guarded write was refused at commit").isEqualTo("1@v1");
        assertThat(row(db, t, 2)).as("doctor 2, who committed first").isEqualTo("0@v2");
    }

    @PostgresqlOnly
    void retryRunsTheGuardAgainAfterACommitTimeAbortAndTheSecondAttemptSeesTheOtherCommit(TestDatabase db)
            throws Exception {
        String t = onCall(db);
        Heard heard = new Heard();
        AtomicInteger attempts = new AtomicInteger();
        try (HikariDataSource ds = serializable(db)) {
            Concurrency concurrency = Concurrency.builder(ds).table(t).listener(heard).build();
            VersionedTable doctors = concurrency.table(t);
            RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
            int wrote = concurrency.retry(quick, () -> doctors.guard(List.of(Identity.of(1L, 1)), c -> {
                long before = onCallCount(c, t);
                Connection other = attempts.incrementAndGet() == 1 ? otherDoctorGoesOffCall(db, t) : null;
                int n = before >= 2 ? execute(c, "UPDATE " + t + " SET on_call = 0, version = version + 1 "
                        + "WHERE id = 1") : 0;
                if (other != null) {
                    other.commit();
                    other.close();
                }
                return n;
            }));

            assertThat(attempts).as("the aborted attempt and the one retry ran").hasValue(2);
            assertThat(wrote).as("the second attempt read doctor 2 off call, so doctor 1 stays on").isZero();
            assertThat(heard.events).containsExactly("retrying 2");
        }
        assertThat(row(db, t, 1)).isEqualTo("1@v1");
        assertThat(row(db, t, 2)).isEqualTo("0@v2");
    }

    @PostgresqlOnly
    void inTheCallersTransactionTheStatementSucceedsButTheCallersCommitIsTheAcknowledgement(TestDatabase db)
            throws Exception {
        String t = onCall(db);
        Heard heard = new Heard();
        VersionedTable doctors = Concurrency.builder(db.dataSource()).table(t).listener(heard).build().table(t);
        SQLException commitFailure;
        try (Connection mine = db.rawConnection()) {
            mine.setAutoCommit(false);
            mine.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertThat(onCallCount(mine, t)).isEqualTo(2);
            try (Connection other = otherDoctorGoesOffCall(db, t)) {
                long version = doctors.using(mine).update(1L, 1L, Map.of("on_call", 0));
                assertThat(version).as("the statement ran: the library answers for it").isEqualTo(2);
                other.commit();
            }
            commitFailure = catchThrowableOfSql(mine::commit);
            mine.rollback();
        }

        assertThat((Throwable) commitFailure).as("the caller's commit, the write's real acknowledgement, fails").isNotNull();
        assertThat(commitFailure.getSQLState()).isEqualTo("40001");
        assertThat(heard.events).as("nothing counted for a write that never committed").isEmpty();
        assertThat(row(db, t, 1)).as("the update the statement reported is not in the table").isEqualTo("1@v1");
        assertThat(row(db, t, 2)).isEqualTo("0@v2");
    }

    @PostgresqlOnly
    void aDeferredForeignKeyFailingAtTheGuardsCommitIsAClearErrorWithNothingSaved(TestDatabase db) {
        String parent = db.createTable("ward", "id BIGINT PRIMARY KEY");
        db.execute("INSERT INTO " + parent + " (id) VALUES (1)");
        String t = db.createTable("nurse", "id BIGINT PRIMARY KEY, ward BIGINT NOT NULL REFERENCES " + parent
                + " (id) DEFERRABLE INITIALLY DEFERRED, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, ward, version) VALUES (1, 1, 1)");
        VersionedTable nurses = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        Throwable thrown = catchThrowable(() -> nurses.guard(List.of(Identity.of(1L, 1)), c -> execute(c,
                "UPDATE " + t + " SET ward = 99, version = version + 1 WHERE id = 1")));

        assertThat(thrown).as("a constraint is not an abort: running it again cannot help")
                .isInstanceOf(StatementFailedException.class).isNotInstanceOf(TransactionAbortedException.class);
        assertThat(thrown.getMessage()).contains("commit");
        assertThat(((SQLException) thrown.getCause()).getSQLState()).isEqualTo("23503");
        assertThat(db.queryLong("SELECT ward FROM " + t + " WHERE id = 1")).isEqualTo(1);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(1);
    }

    @PostgresqlOnly
    void aDeferredConstraintFailingAtTheCommitOfAnUpdateIsAClearErrorWithNothingSaved(TestDatabase db) {
        String parent = db.createTable("ward", "id BIGINT PRIMARY KEY");
        db.execute("INSERT INTO " + parent + " (id) VALUES (1)");
        String t = db.createTable("nurse", "id BIGINT PRIMARY KEY, badge INT NOT NULL, ward BIGINT NOT NULL "
                + "REFERENCES " + parent + " (id) DEFERRABLE INITIALLY DEFERRED, version BIGINT NOT NULL");
        db.execute("ALTER TABLE " + t + " ADD UNIQUE (badge) DEFERRABLE INITIALLY DEFERRED",
                "INSERT INTO " + t + " (id, badge, ward, version) VALUES (1, 10, 1, 1), (2, 20, 1, 1)");
        VersionedTable nurses = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        Throwable orphan = catchThrowable(() -> nurses.update(1L, 1L, Map.of("ward", 99)));
        Throwable duplicate = catchThrowable(() -> nurses.update(1L, 1L, Map.of("badge", 20)));

        assertThat(orphan).isInstanceOf(StatementFailedException.class)
                .isNotInstanceOf(TransactionAbortedException.class).hasMessageContaining("Could not update")
                .hasMessageContaining("nothing of it was saved").hasMessageContaining("foreign key");
        assertThat(((SQLException) orphan.getCause()).getSQLState()).isEqualTo("23503");
        assertThat(duplicate).isInstanceOf(StatementFailedException.class)
                .isNotInstanceOf(TransactionAbortedException.class);
        assertThat(((SQLException) duplicate.getCause()).getSQLState()).isEqualTo("23505");
        assertThat(db.queryLong("SELECT ward FROM " + t + " WHERE id = 1")).isEqualTo(1);
        assertThat(db.queryLong("SELECT badge FROM " + t + " WHERE id = 1")).isEqualTo(10);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).as("nothing reported, nothing saved")
                .isEqualTo(1);
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    private static SQLException catchThrowableOfSql(SqlAction action) {
        try {
            action.run();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }
}
