package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A write inside a caller's transaction whose snapshot is older than a competing commit (REPEATABLE READ, the
 * InnoDB default): the write must be refused or aborted, or really happen. It must never be reported saved while the
 * table keeps the competitor's row. Before the fix, MariaDB read the row back from the snapshot after a 0 count,
 * found the expected version and reported "matched but unchanged": update returned, updateAll listed the row as
 * saved, retry succeeded, and nothing was written.
 */
class StaleWriteInCallersTransactionTest {

    /** What the caller's transaction reads before the competing commit. */
    enum FirstRead { OTHER_TABLE, THE_ROW }

    /** One write, run on the caller's connection; answers whether it claims the price 99 was saved (or row deleted). */
    private interface Attempt {
        boolean run(Concurrency concurrency, VersionedTable onCaller);
    }

    private static final Map<String, Attempt> ATTEMPTS = Map.of(
            "unchecked update", (cc, t) -> {
                t.update(1, null, Map.of("price", 99));
                return true;
            },
            "unchecked updateAll", (cc, t) -> t.updateAll(List.of(new RowChange(1, null, Map.of("price", 99))),
                    BulkPolicy.ABORT_ALL).saved().size() == 1,
            "update", (cc, t) -> {
                t.update(1, 1L, Map.of("price", 99));
                return true;
            },
            "updateAll SKIP_CONFLICTS", (cc, t) -> t.updateAll(List.of(new RowChange(1, 1L, Map.of("price", 99))),
                    BulkPolicy.SKIP_CONFLICTS).saved().stream().anyMatch(i -> ((Number) i.key()).longValue() == 1),
            "updateAll ABORT_ALL", (cc, t) -> {
                t.updateAll(List.of(new RowChange(1, 1L, Map.of("price", 99))), BulkPolicy.ABORT_ALL);
                return true;
            },
            "retry", (cc, t) -> {
                cc.retry(RetryPolicy.custom().maxAttempts(3).sleeper(ms -> { }).build(), () -> {
                    Row r = t.find(1).orElseThrow();
                    return t.update(1, r.version(), Map.of("price", 99));
                });
                return true;
            },
            "delete", (cc, t) -> {
                t.delete(1, 1L);
                return true;
            },
            "deleteAll", (cc, t) -> t.deleteAll(List.of(new Identity(1, 1L)), BulkPolicy.SKIP_CONFLICTS).saved()
                    .stream().anyMatch(i -> ((Number) i.key()).longValue() == 1));

    private static final Map<String, Function<TableDeclaration, TableDeclaration>> STRATEGIES = Map.of(
            "autoIncrement", d -> d.version("version", VersionStrategy.autoIncrement()),
            "conditional", d -> d.version("version", VersionStrategy.conditional().checkFields("price")),
            "timestamp", d -> d.version("version", VersionStrategy.timestamp()));

    @AllDatabases
    void aWriteBasedOnASnapshotOlderThanACompetingCommitIsNeverReportedSavedWithoutBeingSaved(TestDatabase db)
            throws Exception {
        StringBuilder violations = new StringBuilder();
        int cases = 0;
        for (String strategy : STRATEGIES.keySet()) {
            for (String attempt : ATTEMPTS.keySet()) {
                for (FirstRead first : FirstRead.values()) {
                    String v = runCase(db, strategy, attempt, first);
                    cases++;
                    if (v != null) {
                        violations.append('\n').append(v);
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(48);
        assertThat(violations.toString()).as("acknowledged but not in the table, or in the table but refused").isEmpty();
    }

    private static String runCase(TestDatabase db, String strategy, String attempt, FirstRead first) throws Exception {
        String t = Fixtures.productTable(db);
        String other = db.createTable("other", "id " + db.keyType() + " PRIMARY KEY, v INT");
        db.execute("INSERT INTO " + other + " (id, v) VALUES (1, 1)");
        Concurrency concurrency = Concurrency.builder(db.dataSource()).versionRequired(false)
                .table(t, d -> STRATEGIES.get(strategy).apply(d)).build();
        VersionedTable products = concurrency.table(t);
        // Timestamp versions start from the clock: put the row at a known version the attempts expect.
        db.execute("UPDATE " + t + " SET version = 1 WHERE id = 1");

        boolean claimed;
        String failure = null;
        try (Connection a = db.rawConnection()) {
            a.setAutoCommit(false);
            repeatableRead(db, a);
            try (Statement s = a.createStatement()) {
                s.executeQuery(first == FirstRead.OTHER_TABLE ? "SELECT v FROM " + other
                        : "SELECT price FROM " + t + " WHERE id = 1").close();
            }
            // The competitor commits on its own connection, after the caller's snapshot was taken.
            db.execute("UPDATE " + t + " SET name = 'competitor', version = version + 1 WHERE id = 1");
            try {
                claimed = ATTEMPTS.get(attempt).run(concurrency, products.using(a));
                a.commit();
            } catch (ConcurrencyException e) {
                // A refusal of any kind is fine for the invariant; what it must never be is a false success.
                claimed = false;
                failure = e.getClass().getSimpleName();
                a.rollback();
            }
        }
        boolean deleting = attempt.startsWith("delete");
        Object price = db.queryValue("SELECT price FROM " + t + " WHERE id = 1");
        Object name = db.queryValue("SELECT name FROM " + t + " WHERE id = 1");
        boolean effect = deleting ? price == null : price != null && ((Number) price).intValue() == 99;
        // The competitor committed first: whatever the attempt did, its change must still be there.
        boolean competitorKept = "competitor".equals(name);
        if (claimed != effect || !competitorKept) {
            return db.name() + " " + strategy + " " + attempt + " after reading " + first + ": claimed=" + claimed
                    + " (" + failure + "), in table: price=" + price + " name=" + name;
        }
        return null;
    }

    /**
     * MariaDB Connector/J with useAffectedRows=true counts a matched row whose values did not change as 0: that is
     * still a success (proven under a row lock), while a stale write in a REPEATABLE READ transaction is still refused.
     */
    @MariadbOnly // a MariaDB Connector/J setting
    void withUseAffectedRowsAnUnchangedRowIsSavedAndAStaleOneStillRefused(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url() + (db.url().contains("?") ? "&" : "?") + "useAffectedRows=true");
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        try (HikariDataSource affectedRows = new HikariDataSource(config)) {
            VersionedTable products = Concurrency.builder(affectedRows)
                    .table(t, d -> d.version("version", VersionStrategy.conditional().checkFields("price")))
                    .build().table(t);

            // Same values: matched, changed nothing, counted 0. Single row and bulk, in auto-commit.
            assertThat(products.update(1, 1L, Map.of("price", 10, "name", "apple"))).isEqualTo(1);
            assertThat(products.updateAll(List.of(new RowChange(1, 1L, Map.of("price", 10))), BulkPolicy.ABORT_ALL)
                    .savedVersions()).containsEntry(1L, 1L);

            try (Connection a = affectedRows.getConnection()) {
                a.setAutoCommit(false);
                a.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(products.using(a).find(1).orElseThrow().version()).isEqualTo(1);
                db.execute("UPDATE " + t + " SET price = 11, version = 2 WHERE id = 1");
                // The snapshot still shows version 1 with price 10: the same values again must not pass as unchanged.
                assertThatThrownBy(() -> products.using(a).update(1, 1L, Map.of("price", 10)))
                        .isInstanceOf(RecordModifiedException.class);
                assertThat(products.using(a).updateAll(List.of(new RowChange(1, 1L, Map.of("price", 10))),
                        BulkPolicy.SKIP_CONFLICTS).conflictKeys()).containsExactly(1L);
                a.commit();
            }
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
        }
    }

    private static void repeatableRead(TestDatabase db, Connection c) throws SQLException {
        if (!db.name().equals("sqlite")) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
    }
}
