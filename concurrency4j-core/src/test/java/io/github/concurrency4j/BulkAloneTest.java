package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * On PostgreSQL an all-or-nothing bulk write (ABORT_ALL) of one chunk of checked rows, on a connection in no
 * transaction, runs alone: one statement in auto-commit that writes every row or none, with no BEGIN and no COMMIT.
 * These tests check both directions from the table: every row reported saved is there, and a statement that met a
 * stale row or a held one left nothing behind, whatever the engine then did in its own transaction.
 */
class BulkAloneTest {

    private static List<Identity> at(int rows, long version) {
        return LongStream.rangeClosed(1, rows).mapToObj(id -> Identity.of(id, version)).toList();
    }

    @PostgresqlOnly
    void aGridOfCurrentRowsIsOneStatementWithoutATransaction(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 500);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());

        counting.reset();
        BulkResult saved = items.updateAll(BulkFixtures.priceChanges(500, 2), BulkPolicy.ABORT_ALL);

        assertThat(counting.executed()).hasSize(1);
        assertThat(counting.executed().get(0)).startsWith("WITH c4j_written AS (UPDATE")
                .contains("not every row of the chunk is at its expected version");
        assertThat(counting.transactionCalls()).as("no commit, no rollback, no savepoint").isEmpty();
        assertThat(saved.savedVersions()).hasSize(500).containsOnlyKeys(LongStream.rangeClosed(1, 500).boxed()
                .toList()).containsValue(2L).doesNotContainValue(1L);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 2 AND version = 2"))
                .isEqualTo(500);

        counting.reset();
        BulkResult deleted = items.deleteAll(at(500, 2), BulkPolicy.ABORT_ALL);

        assertThat(counting.executed()).hasSize(1);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("DELETE");
        assertThat(counting.transactionCalls()).isEmpty();
        assertThat(deleted.saved()).hasSize(500);
        assertThat(BulkFixtures.count(db, t)).isZero();
    }

    @PostgresqlOnly
    void aStaleRowMakesTheStatementWriteNothingAndIsReportedAsTheConflict(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 500);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        items.update(77, 1L, Map.of("price", -77));
        Map<Long, List<Long>> before = BulkFixtures.snapshot(db, t);

        counting.reset();
        BulkConflictException refused = catchThrowableOfType(
                () -> items.updateAll(BulkFixtures.priceChanges(500, 2), BulkPolicy.ABORT_ALL),
                BulkConflictException.class);

        assertThat(refused.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo(77L);
            assertThat(c.currentVersion()).hasValue(2L);
        });
        assertThat(refused.getMessage()).contains("77");
        // Nothing of the grid is in the table: not from the statement run alone, not from the transaction after it.
        assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("UPDATE");

        // The same grid on the current version of row 77 goes through whole, alone again.
        List<RowChange> current = new ArrayList<>(BulkFixtures.priceChanges(500, 2));
        current.set(76, RowChange.of(77, 2L, Map.of("price", 154)));
        counting.reset();
        assertThat(items.updateAll(current, BulkPolicy.ABORT_ALL).savedVersions().get(77L)).isEqualTo(3L);
        assertThat(counting.executed()).hasSize(1);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 2")).isEqualTo(500);
        assertThat(BulkFixtures.version(db, t, 77)).isEqualTo(3);
        assertThat(BulkFixtures.version(db, t, 78)).isEqualTo(2);
    }

    @PostgresqlOnly
    void aStaleRowInADeleteLeavesEveryRow(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 300);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        items.update(300, 1L, Map.of("price", 0));

        BulkConflictException refused = catchThrowableOfType(() -> items.deleteAll(at(300, 1), BulkPolicy.ABORT_ALL),
                BulkConflictException.class);

        assertThat(refused.conflicts()).extracting(RecordModifiedException::key).containsExactly(300L);
        assertThat(BulkFixtures.count(db, t)).isEqualTo(300);
    }

    @PostgresqlOnly
    void inACallersTransactionTheWriteIsTheCallersToCommitOrRollBack(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 200);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        Map<Long, List<Long>> before = BulkFixtures.snapshot(db, t);

        try (Connection c = db.rawConnection()) {
            c.setAutoCommit(false);
            assertThat(items.using(c).updateAll(BulkFixtures.priceChanges(200, 3), BulkPolicy.ABORT_ALL).saved())
                    .hasSize(200);
            assertThat(BulkFixtures.snapshot(db, t)).as("another session sees nothing before the caller commits")
                    .isEqualTo(before);
            c.rollback();
        }

        assertThat(BulkFixtures.snapshot(db, t)).as("the caller rolled back: nothing was committed behind it")
                .isEqualTo(before);
    }

    @PostgresqlOnly
    void skipConflictsStillRunsInATransaction(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 100);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());

        counting.reset();
        assertThat(items.updateAll(BulkFixtures.priceChanges(100, 10), BulkPolicy.SKIP_CONFLICTS).saved())
                .hasSize(100);

        assertThat(counting.transactionCalls()).containsExactly("commit");
        BulkFixtures.assertGridSaved(db, t, 100, List.of(), id -> id, 2);
    }
}
