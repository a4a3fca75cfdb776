package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** {@link VersionStrategy#trigger()}: the database bumps the version, so writes made outside the application count. */
class TriggerVersionTest {

    static Concurrency withTrigger(javax.sql.DataSource ds, String table) {
        return Concurrency.builder(ds)
                .table(table, d -> d.key("id").version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                .build();
    }

    /** Runs statements as psql or a SQL console would: another connection, auto-commit, no concurrency4j. */
    static void external(TestDatabase db, String... sql) throws SQLException {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.executeUpdate(q);
            }
        }
    }

    @AllDatabases
    void externalWriteIsCaughtWhenATriggerBumpsTheVersion(TestDatabase db) throws SQLException {
        String t = Fixtures.productTable(db);
        VersionedTable products = withTrigger(db.dataSource(), t).table(t);
        Row seen = products.find(1).orElseThrow();

        external(db, "UPDATE " + t + " SET name = 'fixed by the DBA' WHERE id = 1");

        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                () -> products.update(1, seen.version(), Map.of("name", "from a stale form")));
        assertThat(e).isNotNull();
        assertThat(e.expectedVersion()).isEqualTo(seen.version());
        assertThat(e.currentVersion()).hasValue(seen.version() + 1);
        assertThat(e.currentRow().orElseThrow().get("name")).isEqualTo("fixed by the DBA");
        assertThat(products.find(1).orElseThrow().get("name")).isEqualTo("fixed by the DBA");
    }

    @AllDatabases
    void withoutATriggerTheSameExternalWriteIsSilentlyOverwritten(TestDatabase db) throws SQLException {
        // The difference trigger versions make: an auto-increment version only moves when the application writes.
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);
        Row seen = products.find(1).orElseThrow();

        external(db, "UPDATE " + t + " SET name = 'fixed by the DBA' WHERE id = 1");

        assertThat(products.find(1).orElseThrow().version()).isEqualTo(seen.version());
        long next = products.update(1, seen.version(), Map.of("name", "from a stale form"));
        assertThat(next).isEqualTo(seen.version() + 1);
        assertThat(products.find(1).orElseThrow().get("name")).isEqualTo("from a stale form");
    }

    @AllDatabases
    void versionRisesExactlyOncePerUpdateWhetherOrNotTheStatementSetsIt(TestDatabase db) throws SQLException {
        String t = Fixtures.productTable(db);
        withTrigger(db.dataSource(), t);
        // SQLite's AFTER UPDATE trigger writes the row again; it must stay at one bump with recursive triggers on.
        List<String> pragmas = db.name().equals("sqlite")
                ? List.of("PRAGMA recursive_triggers = OFF", "PRAGMA recursive_triggers = ON") : List.of();
        for (int round = 0; round < Math.max(1, pragmas.size()); round++) {
            try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
                if (!pragmas.isEmpty()) {
                    s.execute(pragmas.get(round));
                }
                long v = version(c, t, 1);
                long other = version(c, t, 2);

                s.executeUpdate("UPDATE " + t + " SET name = 'a' WHERE id = 1");
                assertThat(version(c, t, 1)).as("column not set").isEqualTo(v + 1);
                s.executeUpdate("UPDATE " + t + " SET name = 'b', version = version WHERE id = 1");
                assertThat(version(c, t, 1)).as("column set to itself").isEqualTo(v + 2);
                s.executeUpdate("UPDATE " + t + " SET price = price + 1, version = version + 1 WHERE id = 1");
                assertThat(version(c, t, 1)).as("column bumped by the statement too").isEqualTo(v + 3);
                s.executeUpdate("UPDATE " + t + " SET stock = 0");
                assertThat(version(c, t, 1)).as("every row of a multi-row update").isEqualTo(v + 4);
                assertThat(version(c, t, 2)).isEqualTo(other + 1);
            }
        }
    }

    @AllDatabases
    void theEngineReturnsTheVersionTheTriggerStored(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = withTrigger(db.dataSource(), t);
        VersionedTable products = c.table(t);

        long v2 = products.update(1, 1L, Map.of("price", 11));
        assertThat(v2).isEqualTo(2).isEqualTo(products.find(1).orElseThrow().version());
        long v3 = products.update(1, v2, Map.of());
        assertThat(v3).isEqualTo(3).isEqualTo(products.find(1).orElseThrow().version());
        // Trigger versions rise even where the application asked for no increment: the database decides.
        try (DisableScope off = c.disableIncrement(t)) {
            assertThat(products.update(1, v3, Map.of("stock", 1))).isEqualTo(4);
        }
        // Unchecked writes (checks disabled) read back what the trigger stored.
        try (DisableScope off = c.disable(t)) {
            assertThat(products.update(1, null, Map.of("stock", 2))).isEqualTo(5);
        }
        assertThat(products.find(1).orElseThrow().version()).isEqualTo(5);
        assertThatStale(products, 4L);
    }

    @AllDatabases
    void theEngineBumpsATriggerVersionItselfInOneStatement(TestDatabase db) {
        // The statement moves the version too, so the application's own writes stay checked if the trigger goes
        // missing (MissingTriggerAttackTest); the trigger sets the same value, or stays out of it (SQLite).
        String t = Fixtures.productTable(db);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable products = withTrigger(counting, t).table(t);

        counting.reset();
        assertThat(products.update(1, 1L, Map.of("price", 11, "name", "apple"))).isEqualTo(2);
        // One statement: the new version comes back with it, or is what the trigger guarantees.
        assertThat(counting.executed()).hasSize(1);
        String update = counting.executed().get(0);
        String setClause = update.substring(update.indexOf(" SET "), update.indexOf(" WHERE "));
        assertThat(setClause.replaceAll("[\"`]", "")).containsIgnoringCase("version = version + 1");
        assertThat(update.substring(update.indexOf(" WHERE "))).containsIgnoringCase("version");
        assertThat(products.find(1).orElseThrow().version()).isEqualTo(2);
    }

    @AllDatabases
    void sqliteRecursiveTriggersDoNotChangeWhatTheEngineReturns(TestDatabase db) throws SQLException {
        String t = Fixtures.productTable(db);
        Concurrency c = withTrigger(db.dataSource(), t);
        try (Connection conn = db.rawConnection(); Statement s = conn.createStatement()) {
            if (db.name().equals("sqlite")) {
                s.execute("PRAGMA recursive_triggers = ON");
            }
            VersionedTable products = c.table(t).using(conn);
            Map<String, Object> change = new HashMap<>();
            change.put("name", null);
            assertThat(products.update(1, 1L, change)).isEqualTo(2);
            assertThat(products.update(1, 2L, Map.of("name", "x"))).isEqualTo(3);
            assertThat(version(conn, t, 1)).isEqualTo(3);
        }
    }

    @AllDatabases
    void appThreadsAndAnExternalWriterTogetherLoseNothing(TestDatabase db) throws Exception {
        int appThreads = 4;
        int increments = 100;
        String t = db.createTable("counter", "id " + db.keyType() + " PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, hits, version) VALUES (1, 0, 1)");
        VersionedTable counters = withTrigger(db.dataSource(), t).table(t);

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(appThreads + 1);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int w = 0; w < appThreads; w++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            Row row = counters.find(1).orElseThrow();
                            try {
                                counters.update(1, row.version(), Map.of("hits", ((Number) row.get("hits")).longValue() + 1));
                                break;
                            } catch (RecordModifiedException e) {
                                // Someone - maybe the external writer - saved first: read again.
                            }
                        }
                    }
                    return null;
                }));
            }
            // The external writer increments in SQL, as a batch job would; its writes must not be overwritten.
            workers.add(pool.submit(() -> {
                start.await();
                try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
                    for (int i = 0; i < increments; i++) {
                        s.executeUpdate("UPDATE " + t + " SET hits = hits + 1 WHERE id = 1");
                    }
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : workers) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        Row end = counters.find(1).orElseThrow();
        assertThat(((Number) end.get("hits")).longValue()).isEqualTo((appThreads + 1L) * increments);
        assertThat(end.version()).isEqualTo(1 + (appThreads + 1L) * increments);
    }

    private static void assertThatStale(VersionedTable products, long stale) {
        assertThat(catchThrowableOfType(RecordModifiedException.class,
                () -> products.update(1, stale, Map.of("price", 1)))).isNotNull();
    }

    static long version(Connection c, String table, long id) throws SQLException {
        try (Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT version FROM " + table + " WHERE id = " + id)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
