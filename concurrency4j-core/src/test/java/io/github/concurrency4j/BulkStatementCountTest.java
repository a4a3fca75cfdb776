package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/** A bulk write is one batch (on PostgreSQL and MariaDB one statement), plus at most one read; a guard is one query per chunk of keys, never one per row. */
class BulkStatementCountTest {

    private static long selects(CountingDataSource counting) {
        return counting.executed().stream().filter(s -> s.startsWith("SELECT")).count();
    }

    /** SQLite has no row locks: a guard first takes the database's write lock with a no-op UPDATE. */
    private static long writeLocks(CountingDataSource counting) {
        return counting.executed().stream().filter(s -> s.endsWith("WHERE 1 = 0")).count();
    }

    /** Whether the dialect writes bulk changes with one statement per chunk instead of a batch. */
    private static boolean oneStatementPerChunk(TestDatabase db) {
        return Concurrency.builder(db.dataSource()).build().dialect().bulkStatements() != null;
    }

    @AllDatabases
    void updateAllOfManyRowsIsOneBatch(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 500);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());

        counting.reset();
        assertThat(items.updateAll(BulkFixtures.priceChanges(500, 2), BulkPolicy.ABORT_ALL).saved()).hasSize(500);
        assertThat(counting.executed()).hasSize(1);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("UPDATE");

        // Conflicts cost exactly one more query, which reads the current rows for the report.
        items.update(9, 2L, Map.of("price", 0));
        items.update(99, 2L, Map.of("price", 0));
        counting.reset();
        List<RowChange> changes = LongStream.rangeClosed(1, 500)
                .mapToObj(id -> RowChange.of(id, 2L, Map.of("price", id))).toList();
        assertThat(items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS).conflictKeys()).containsExactly(9L, 99L);
        if (db.name().equals("mariadb")) {
            // MariaDB's count says how many rows matched, not which: the statement lists them in a session variable,
            // read with one query; then the conflicts are read for the report (BulkRefusalCostTest has every case).
            assertThat(counting.executed()).hasSize(3);
            assertThat(counting.executed()).map(s -> s.substring(0, 6))
                    .containsExactly("UPDATE", "SELECT", "SELECT");
            assertThat(counting.executed().get(1)).isEqualTo("SELECT @concurrency4j_written");
        } else {
            assertThat(counting.executed()).hasSize(2);
            assertThat(counting.executed().get(1)).startsWith("SELECT");
        }

        // Every row is at version 3 now: the 498 just saved, and 9 and 99 saved by the single updates.
        counting.reset();
        List<Identity> shown = LongStream.rangeClosed(1, 500).mapToObj(id -> Identity.of(id, 3)).toList();
        assertThat(items.deleteAll(shown, BulkPolicy.ABORT_ALL).saved()).hasSize(500);
        assertThat(counting.executed()).hasSize(1);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("DELETE");
    }

    @AllDatabases
    void conditionalVersionsAreReadBackWithOneQuery(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 500);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.conditional().checkFields("price"));

        counting.reset();
        BulkResult result = items.updateAll(BulkFixtures.priceChanges(500, 2), BulkPolicy.ABORT_ALL);

        assertThat(result.savedVersions().values()).containsOnly(2L);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("UPDATE").contains("CASE WHEN");
        if (oneStatementPerChunk(db) && !db.name().equals("mariadb")) {
            // UPDATE ... RETURNING hands every new version back: nothing to read. MariaDB has no RETURNING on an
            // UPDATE, so it reads the new versions of the rows it holds locked, as after a batch.
            assertThat(counting.executed()).hasSize(1);
        } else {
            assertThat(counting.executed()).hasSize(2);
            assertThat(counting.executed().get(1)).startsWith("SELECT");
        }
    }

    @AllDatabases
    void guardChecksAThousandRowsWithOneQuery(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 1_000);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        List<Identity> selected = LongStream.rangeClosed(1, 1_000).mapToObj(id -> Identity.of(id, 1)).toList();

        counting.reset();
        int ran = items.guard(selected, c -> 1);
        assertThat(ran).isEqualTo(1);

        assertThat(selects(counting)).isEqualTo(1);
        assertThat(counting.executed()).hasSize(1 + (int) writeLocks(counting));
    }

    @AllDatabases
    void guardChunksKeysUnderTheDatabasesParameterLimit(TestDatabase db) {
        Concurrency probe = Concurrency.builder(db.dataSource()).build();
        int limit = probe.dialect().maxParameters();
        int n = limit + 1;
        String t = BulkFixtures.itemTable(db, n);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        List<Identity> selected = LongStream.rangeClosed(1, n).mapToObj(id -> Identity.of(id, 1)).toList();

        counting.reset();
        int ran = items.guard(selected, c -> 1);
        assertThat(ran).isEqualTo(1);

        assertThat(selects(counting)).isEqualTo(2);
    }
}
