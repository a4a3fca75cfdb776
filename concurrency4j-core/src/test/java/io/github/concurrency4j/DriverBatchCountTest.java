package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.DropTablesAfterEach;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drivers that do not report a batch's update counts must not hide a conflict. MariaDB Connector/J with
 * {@code useBulkStmts=true} answers {@link Statement#SUCCESS_NO_INFO} (-2) for every row; with
 * {@code useAffectedRows=true} a row that matched but did not change counts 0.
 */
@ExtendWith(DropTablesAfterEach.class)
class DriverBatchCountTest {
    private static final List<Long> STALE = List.of(5L, 12L, 33L, 50L, 61L, 84L, 99L);

    static Stream<TestDatabase> mariadb() {
        return TestDatabases.servers().stream().filter(db -> db.name().equals("mariadb"));
    }

    private static HikariDataSource withUrlOptions(TestDatabase db, String options) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url() + (db.url().contains("?") ? "&" : "?") + options);
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    /** Someone else saves the stale rows after the grid was read, moving them to version 2 as our write would. */
    private static void othersEdit(TestDatabase db, String t) {
        for (long id : STALE) {
            db.execute("UPDATE " + t + " SET price = " + (1000 + id) + ", version = 2 WHERE id = " + id);
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("mariadb")
    void successNoInfoCountsStillFindEveryConflictExactly(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 100);
        try (HikariDataSource bulkStmts = withUrlOptions(db, "useBulkStmts=true")) {
            // The premise: this driver really reports nothing about each row of an UPDATE batch.
            try (Connection c = bulkStmts.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET stock = stock WHERE id = ?")) {
                ps.setLong(1, 1);
                ps.addBatch();
                ps.setLong(1, 100_000);
                ps.addBatch();
                assertThat(ps.executeBatch()).containsOnly(Statement.SUCCESS_NO_INFO);
            }
            VersionedTable items = BulkFixtures.table(bulkStmts, t, VersionStrategy.autoIncrement());
            othersEdit(db, t);
            var before = BulkFixtures.snapshot(db, t);

            // A stale row at version 2 looks exactly like a row this batch moved to version 2: only locking
            // first tells them apart.
            BulkConflictException abort = catchThrowableOfType(BulkConflictException.class,
                    () -> items.updateAll(BulkFixtures.priceChanges(100, 10), BulkPolicy.ABORT_ALL));
            assertThat(abort.keys()).containsExactlyElementsOf(STALE);
            assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);

            BulkResult result = items.updateAll(BulkFixtures.priceChanges(100, 10), BulkPolicy.SKIP_CONFLICTS);
            assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
            assertThat(result.saved()).hasSize(93).allSatisfy(i -> assertThat(i.version()).isEqualTo(2));
            BulkFixtures.assertGridSaved(db, t, 100, STALE, id -> 1000 + id, 2);

            List<Identity> shown = LongStream.rangeClosed(1, 100).mapToObj(id -> Identity.of(id, 2)).toList();
            items.update(7, 2L, Map.of("price", 0));
            BulkResult deleted = items.deleteAll(shown, BulkPolicy.SKIP_CONFLICTS);
            assertThat(deleted.conflictKeys()).containsExactly(7L);
            assertThat(BulkFixtures.snapshot(db, t).keySet()).containsExactly(7L);
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("mariadb")
    void successNoInfoCountsStillGiveExactConditionalVersionsAndUncheckedWrites(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 100);
        try (HikariDataSource bulkStmts = withUrlOptions(db, "useBulkStmts=true")) {
            Concurrency concurrency = Concurrency.builder(bulkStmts)
                    .table(t, d -> d.version("version", VersionStrategy.conditional().checkFields("price"))).build();
            VersionedTable items = concurrency.table(t);
            othersEdit(db, t);
            List<RowChange> changes = new ArrayList<>();
            for (long id = 1; id <= 100; id++) {
                changes.add(RowChange.of(id, 1L, id % 2 == 0 ? Map.of("price", id * 10) : Map.of("stock", 0)));
            }

            BulkResult result = items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);

            assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
            assertThat(result.savedVersions()).hasSize(93).containsEntry(2L, 2L).containsEntry(1L, 1L);
            var stored = BulkFixtures.snapshot(db, t);
            result.savedVersions().forEach((k, v) -> assertThat(stored.get((Long) k).get(1)).isEqualTo(v));

            // Checks off: stale versions pass, the rows are written, and the versions are read back.
            try (DisableScope off = concurrency.disable(t)) {
                BulkResult blind = items.updateAll(List.of(RowChange.of(5, 1L, Map.of("price", 1)),
                        RowChange.of(7, 1L, Map.of("price", 7))), BulkPolicy.ABORT_ALL);
                // 5 was at version 2 and its price changes; 7 keeps the price it has, so its version stays.
                assertThat(blind.savedVersions()).containsExactly(Map.entry(5L, 3L), Map.entry(7L, 1L));
            }
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("mariadb")
    void affectedRowsCountingIsNoFalseConflict(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 100);
        try (HikariDataSource affectedRows = withUrlOptions(db, "useAffectedRows=true")) {
            // The premise: a row that matched but did not change counts 0 with this driver setting.
            try (Connection c = affectedRows.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET stock = stock WHERE id = ?")) {
                ps.setLong(1, 1);
                ps.addBatch();
                assertThat(ps.executeBatch()).containsExactly(0);
            }
            VersionedTable items = BulkFixtures.table(affectedRows, t, VersionStrategy.conditional().checkFields("price"));
            othersEdit(db, t);
            // Rows 1..50 are written with the values they already hold: matched, unchanged, counted 0.
            List<RowChange> changes = new ArrayList<>();
            for (long id = 1; id <= 100; id++) {
                changes.add(RowChange.of(id, 1L, id <= 50 ? Map.of("price", id, "stock", 5) : Map.of("price", id * 10)));
            }

            BulkResult result = items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);

            assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
            assertThat(result.saved()).hasSize(93);
            assertThat(result.savedVersions().get(1L)).isEqualTo(1);
            assertThat(result.savedVersions().get(51L)).isEqualTo(2);
            assertThat(BulkFixtures.price(db, t, 51)).isEqualTo(510);
        }
    }
}
