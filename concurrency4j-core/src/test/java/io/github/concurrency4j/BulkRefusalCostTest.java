package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * What a MariaDB bulk write costs when rows are refused, in the engine's own transaction and in the caller's: the
 * statement's list of matched rows replaces the undo, locked read and second run it took before (4 statements and a
 * savepoint per chunk for one stale row). The caller's transaction runs on a new connection, where the statement is
 * the session's first (MariaDB binds a variable that does not exist yet as a constant NULL). Each call also proves the invariant both ways from the table: every row
 * reported saved holds its new values at the reported version, every refused row holds what the winner wrote.
 */
class BulkRefusalCostTest {
    private static final int ROWS = 10;

    private enum Mode { OWN, CALLERS }

    private enum Op { UPDATE, DELETE }

    /** A statement as the assertions name it: the list read is told apart from the other reads. */
    private static String kind(String sql) {
        return sql.startsWith("SELECT @concurrency4j_written") ? "LIST" : sql.substring(0, 6);
    }

    @MariadbOnly
    void autoIncrementUpdatesCostOneStatementAndRefusalsTwoReadsAtMost(TestDatabase db) throws Exception {
        for (Mode mode : Mode.values()) {
            assertThat(call(db, VersionStrategy.autoIncrement(), Op.UPDATE, Set.of(), mode))
                    .as(mode + ", all current").containsExactly("UPDATE");
            assertThat(call(db, VersionStrategy.autoIncrement(), Op.UPDATE, Set.of(4L), mode))
                    .as(mode + ", one stale").containsExactly("UPDATE", "LIST", "SELECT");
            assertThat(call(db, VersionStrategy.autoIncrement(), Op.UPDATE, all(), mode))
                    .as(mode + ", all stale").containsExactly("UPDATE", "SELECT");
        }
    }

    @MariadbOnly
    void conditionalUpdatesReadTheirVersionsOnceAndTheListWhenRowsAreRefused(TestDatabase db) throws Exception {
        VersionStrategy conditional = VersionStrategy.conditional().checkFields("price");
        for (Mode mode : Mode.values()) {
            assertThat(call(db, conditional, Op.UPDATE, Set.of(), mode))
                    .as(mode + ", all current").containsExactly("UPDATE", "SELECT");
            assertThat(call(db, conditional, Op.UPDATE, Set.of(4L), mode))
                    .as(mode + ", one stale").containsExactly("UPDATE", "LIST", "SELECT", "SELECT");
            // A conditional version may stay: a count of 0 could hide rows matched and left as they were
            // (useAffectedRows=true), so the list is read even then.
            assertThat(call(db, conditional, Op.UPDATE, all(), mode))
                    .as(mode + ", all stale").containsExactly("UPDATE", "LIST", "SELECT");
        }
    }

    @MariadbOnly
    void deletesCostOneStatementAndRefusalsTwoReadsAtMost(TestDatabase db) throws Exception {
        for (Mode mode : Mode.values()) {
            assertThat(call(db, VersionStrategy.autoIncrement(), Op.DELETE, Set.of(), mode))
                    .as(mode + ", all current").containsExactly("DELETE");
            assertThat(call(db, VersionStrategy.autoIncrement(), Op.DELETE, Set.of(4L), mode))
                    .as(mode + ", one stale").containsExactly("DELETE", "LIST", "SELECT");
            assertThat(call(db, VersionStrategy.autoIncrement(), Op.DELETE, all(), mode))
                    .as(mode + ", all stale").containsExactly("DELETE", "SELECT");
        }
    }

    private static Set<Long> all() {
        return Set.copyOf(LongStream.rangeClosed(1, ROWS).boxed().toList());
    }

    /**
     * One bulk call over rows 1..10 shown at version 1, after the rows in {@code stale} were changed by another
     * writer; returns the statements it ran, having checked the table against the result and the transaction control
     * calls (no savepoint of its own in the engine's transaction, one in the caller's).
     */
    private static List<String> call(TestDatabase db, VersionStrategy strategy, Op op, Set<Long> stale, Mode mode)
            throws Exception {
        String t = BulkFixtures.itemTable(db, ROWS);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, strategy);
        for (long id : stale) {
            items.update(id, 1L, Map.of("price", -1));
        }
        BulkResult result;
        List<String> transactionCalls;
        counting.reset();
        if (mode == Mode.OWN) {
            result = write(items, op);
            transactionCalls = counting.transactionCalls();
            assertThat(transactionCalls).as("the engine's own transaction").containsExactly("commit");
        } else {
            // A new session: its first statement must list its rows as well as any later one.
            try (Connection c = counting.counted(db.rawConnection())) {
                c.setAutoCommit(false);
                result = write(items.using(c), op);
                transactionCalls = counting.transactionCalls();
                c.commit();
                c.setAutoCommit(true);
            }
            assertThat(transactionCalls).as("the caller's transaction")
                    .containsExactly("setSavepoint", "releaseSavepoint");
        }
        List<String> statements = counting.executed().stream().map(BulkRefusalCostTest::kind).toList();

        assertThat(result.conflictKeys()).as("refused").containsExactlyInAnyOrderElementsOf(stale);
        Map<Long, List<Long>> rows = BulkFixtures.snapshot(db, t);
        List<Long> savedKeys = new ArrayList<>();
        for (Identity saved : result.saved()) {
            long id = ((Number) saved.key()).longValue();
            savedKeys.add(id);
            if (op == Op.DELETE) {
                assertThat(rows).as("row %d reported deleted", id).doesNotContainKey(id);
            } else {
                assertThat(rows.get(id)).as("row %d reported saved", id)
                        .containsExactly(id * 10, saved.version());
            }
        }
        for (long id : stale) {
            // The winner's price, at the version the winner left.
            assertThat(rows.get(id)).as("row %d refused", id).containsExactly(-1L, 2L);
        }
        assertThat(savedKeys.size() + stale.size()).isEqualTo(ROWS);
        return statements;
    }

    private static BulkResult write(VersionedTable items, Op op) {
        if (op == Op.UPDATE) {
            List<RowChange> changes = LongStream.rangeClosed(1, ROWS)
                    .mapToObj(id -> RowChange.of(id, 1L, Map.of("price", id * 10))).toList();
            return items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);
        }
        List<Identity> shown = LongStream.rangeClosed(1, ROWS).mapToObj(id -> Identity.of(id, 1L)).toList();
        return items.deleteAll(shown, BulkPolicy.SKIP_CONFLICTS);
    }
}
