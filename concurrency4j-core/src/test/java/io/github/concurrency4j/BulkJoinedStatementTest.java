package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * On MariaDB a bulk write is one multi-table statement per chunk, {@code UPDATE (WITH v ... VALUES ...) STRAIGHT_JOIN
 * t FORCE INDEX (...) ...}, with no RETURNING: the evidence is its count, and where the count leaves rows open, rows
 * locked and checked. The attacks here are the ways a count can lie about which rows were written.
 */
class BulkJoinedStatementTest {
    private static final Set<Long> STALE = Set.of(7L, 42L, 99L);

    private static List<String> writes(CountingDataSource counting) {
        return counting.executed().stream().filter(s -> !s.startsWith("SELECT")).toList();
    }

    /**
     * Another writer saves three rows of the grid first, with the very values and the very next version this write
     * would give them: a read after the statement cannot tell its rows from theirs, only the count says that three
     * did not match. Exactly those three are refused and keep the other writer's values; every other row is saved.
     */
    @MariadbOnly
    void rowsAnotherWriterMovedToTheSameNextVersionAreRefusedAndTheRestSaved(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 120);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        for (long id : STALE) {
            db.execute("UPDATE " + t + " SET price = " + (id * 2) + ", stock = 0, version = 2 WHERE id = " + id);
        }

        counting.reset();
        BulkResult result = items.updateAll(BulkFixtures.priceChanges(120, 2), BulkPolicy.SKIP_CONFLICTS);

        assertThat(counting.executed().get(0)).startsWith("UPDATE (WITH v").contains("STRAIGHT_JOIN");
        assertThat(result.conflictKeys()).containsExactlyInAnyOrderElementsOf(STALE);
        assertThat(result.savedVersions()).hasSize(117).doesNotContainKeys(7L, 42L, 99L).containsValue(2L);
        for (long id = 1; id <= 120; id++) {
            // Saved rows hold this write (stock untouched, 5); refused rows the other writer's (stock 0).
            assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = " + id)).as("stock of %d", id)
                    .isEqualTo(STALE.contains(id) ? 0 : 5);
            assertThat(BulkFixtures.version(db, t, id)).as("version of %d", id).isEqualTo(2L);
            assertThat(BulkFixtures.price(db, t, id)).isEqualTo(id * 2);
        }
        assertThat(result.conflicts()).allSatisfy(c -> assertThat(c.currentRow()).get()
                .satisfies(r -> assertThat(r.version()).isEqualTo(2L)));
    }

    /**
     * The race in the middle of the statement: another transaction has changed row 60 and holds it; the bulk
     * statement waits for it, and then finds the row at the next version, committed by the other. Row 60 alone is
     * refused; ABORT_ALL then saves nothing.
     */
    @MariadbOnly
    void aRowCommittedByAnotherWriterWhileTheStatementWaitsIsTheOnlyConflict(TestDatabase db) throws Exception {
        for (BulkPolicy policy : BulkPolicy.values()) {
            String t = BulkFixtures.itemTable(db, 100);
            VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
            CompletableFuture<BulkResult> bulk;
            try (Connection other = db.rawConnection()) {
                other.setAutoCommit(false);
                try (Statement s = other.createStatement()) {
                    s.executeUpdate("UPDATE " + t + " SET price = 120, stock = 0, version = 2 WHERE id = 60");
                }
                bulk = CompletableFuture.supplyAsync(() -> items.updateAll(BulkFixtures.priceChanges(100, 2), policy),
                        runnable -> new Thread(runnable, "bulk-writer").start());
                waitUntilBlocked(db, t, bulk);
                other.commit();
            }
            if (policy == BulkPolicy.SKIP_CONFLICTS) {
                BulkResult result = bulk.get(60, TimeUnit.SECONDS);
                assertThat(result.conflictKeys()).containsExactly(60L);
                assertThat(result.saved()).hasSize(99);
                assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE stock = 5 AND version = 2"
                        + " AND price = id * 2")).isEqualTo(99);
            } else {
                assertThatThrownBy(() -> bulk.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(
                        BulkConflictException.class);
                assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 1")).isEqualTo(99);
            }
            assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 60")).isZero();
        }
    }

    private static void waitUntilBlocked(TestDatabase db, String t, CompletableFuture<?> bulk) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                // A statement on the table is running, and row 60 is held: it waits there (or is about to, which
                // ends the same way). The other writer is idle in its transaction (no INFO), so any statement naming
                // the table, whatever its form, is the bulk writer's. INNODB_TRX is no help: on a busy server it
                // missed the waiting transaction.
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                        + " WHERE INFO REGEXP '(^|[^a-z0-9_])" + t + "([^a-z0-9_]|$)' AND ID <> CONNECTION_ID()")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        StringBuilder seen = new StringBuilder();
        try (Connection c = db.rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT p.ID, p.STATE, x.trx_state, LEFT(p.INFO, 60), LENGTH(p.INFO)"
                     + " FROM information_schema.PROCESSLIST p LEFT JOIN information_schema.INNODB_TRX x"
                     + " ON p.ID = x.trx_mysql_thread_id WHERE p.INFO IS NOT NULL")) {
            while (rs.next()) {
                seen.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3))
                        .append(' ').append(rs.getString(4)).append(' ').append(rs.getString(5)).append('\n');
            }
        }
        String outcome = bulk.isDone() ? "the bulk write ended: " + bulk.handle((r, e) -> e == null ? r : e).get()
                : "the bulk write is still running";
        throw new AssertionError("The bulk statement never waited on the locked row (" + outcome + "):\n" + seen);
    }

    /**
     * On a table of four rows the optimizer would scan the table and lock every row; the statement forces the key's
     * index, so a row locked by someone else outside the write does not stop it.
     */
    @MariadbOnly
    void aLockOnARowOutsideTheWriteDoesNotBlockItOnASmallTable(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 4);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        try (Connection other = db.rawConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET stock = 9 WHERE id = 4");
            }
            List<RowChange> three = BulkFixtures.priceChanges(3, 3);
            BulkResult result = CompletableFuture.supplyAsync(() -> items.updateAll(three, BulkPolicy.ABORT_ALL))
                    .get(20, TimeUnit.SECONDS);
            assertThat(result.saved()).hasSize(3);
            List<Identity> two = List.of(Identity.of(1, 2), Identity.of(2, 2));
            assertThat(CompletableFuture.supplyAsync(() -> items.deleteAll(two, BulkPolicy.ABORT_ALL))
                    .get(20, TimeUnit.SECONDS).saved()).hasSize(2);
            other.rollback();
        }
        assertThat(BulkFixtures.count(db, t)).isEqualTo(2);
    }

    @MariadbOnly
    void rowsChangingDifferentColumnsAreOneStatementAndNullIsWrittenAsNull(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 4);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        Map<String, Object> nameToNull = new HashMap<>();
        nameToNull.put("name", null);
        Map<String, Object> priceToNull = new HashMap<>();
        priceToNull.put("price", null);
        priceToNull.put("stock", 9);

        counting.reset();
        BulkResult result = items.updateAll(List.of(
                RowChange.of(1, 1L, Map.of("name", "one")),
                RowChange.of(2, 1L, Map.of("price", 20)),
                RowChange.of(3, 1L, nameToNull),
                RowChange.of(4, 1L, priceToNull)), BulkPolicy.ABORT_ALL);

        assertThat(counting.executed()).hasSize(1).first().asString().startsWith("UPDATE (WITH v");
        assertThat(result.savedVersions()).containsOnlyKeys(1L, 2L, 3L, 4L).containsValue(2L);
        assertThat(row(db, t, 1)).containsExactly("one", 1, 5, 2L);
        assertThat(row(db, t, 2)).containsExactly("item 2", 20, 5, 2L);
        assertThat(row(db, t, 3)).containsExactly(null, 3, 5, 2L);
        assertThat(row(db, t, 4)).containsExactly("item 4", null, 9, 2L);
    }

    @MariadbOnly
    void aKeyTwiceInOneCallIsRefusedBeforeAnythingIsWritten(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());

        counting.reset();
        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 10)),
                RowChange.of(2, 1L, Map.of("price", 20)), RowChange.of("1", 1L, Map.of("price", 30))),
                BulkPolicy.SKIP_CONFLICTS)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThat(counting.executed()).isEmpty();
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 1 AND price = id")).isEqualTo(3);
    }

    /** The version rises only for rows whose tracked value changes; new versions are read back, locked. */
    @MariadbOnly
    void conditionalVersionsRiseOnlyForRowsWhoseTrackedValuesChange(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 5);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.conditional().checkFields("price"));
        db.execute("UPDATE " + t + " SET price = 55, version = 2 WHERE id = 5");

        counting.reset();
        BulkResult result = items.updateAll(List.of(
                RowChange.of(1, 1L, Map.of("price", 100)),             // tracked, changed: bumps
                RowChange.of(2, 1L, Map.of("price", 2)),               // tracked, same value: stays
                RowChange.of(3, 1L, Map.of("stock", 7)),               // untracked only: stays
                RowChange.of(4, 1L, Map.of("price", 4, "stock", 8)),   // tracked same, untracked changed: stays
                RowChange.of(5, 1L, Map.of("price", 55))),             // stale
                BulkPolicy.SKIP_CONFLICTS);

        assertThat(writes(counting)).allMatch(s -> s.startsWith("UPDATE (WITH v")).first().asString()
                .contains("CASE WHEN");
        assertThat(result.conflictKeys()).containsExactly(5L);
        assertThat(result.savedVersions()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 2L, 2L, 1L, 3L, 1L, 4L, 1L));
        assertThat(row(db, t, 1)).containsExactly("item 1", 100, 5, 2L);
        assertThat(row(db, t, 2)).containsExactly("item 2", 2, 5, 1L);
        assertThat(row(db, t, 3)).containsExactly("item 3", 3, 7, 1L);
        assertThat(row(db, t, 4)).containsExactly("item 4", 4, 8, 1L);
        assertThat(row(db, t, 5)).containsExactly("item 5", 55, 5, 2L);
    }

    /** With useAffectedRows a row matched but left as it was counts 0: it must still be saved, not refused. */
    @MariadbOnly
    void aRowLeftAsItWasIsSavedUnderUseAffectedRows(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 3);
        MariaDbDataSource affected = new MariaDbDataSource(db.url() + (db.url().contains("?") ? "&" : "?")
                + "useAffectedRows=true");
        affected.setUser(db.user());
        affected.setPassword(db.password());
        VersionedTable items = BulkFixtures.table(affected, t, VersionStrategy.conditional().checkFields("price"));

        BulkResult result = items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 1)),
                RowChange.of(2, 1L, Map.of("price", 20)), RowChange.of(3, 2L, Map.of("price", 30))),
                BulkPolicy.SKIP_CONFLICTS);

        assertThat(result.savedVersions()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 1L, 2L, 2L));
        assertThat(result.conflictKeys()).containsExactly(3L);
        assertThat(row(db, t, 1)).containsExactly("item 1", 1, 5, 1L);
        assertThat(row(db, t, 2)).containsExactly("item 2", 20, 5, 2L);
        assertThat(row(db, t, 3)).containsExactly("item 3", 3, 5, 1L);
    }

    @MariadbOnly
    void triggerVersionsAreTheStoredOnes(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 300);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        Concurrency concurrency = Concurrency.builder(counting)
                .table(t, d -> d.key("id").version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true)).build();
        VersionedTable items = concurrency.table(t);
        // Someone outside the application bumps row 7 twice: the trigger counts it.
        db.execute("UPDATE " + t + " SET stock = 6 WHERE id = 7", "UPDATE " + t + " SET stock = 7 WHERE id = 7");

        counting.reset();
        List<RowChange> changes = new ArrayList<>();
        for (long id = 1; id <= 300; id++) {
            changes.add(RowChange.of(id, id == 7 ? 3L : 1L, Map.of("price", id * 2)));
        }
        BulkResult result = items.updateAll(changes, BulkPolicy.ABORT_ALL);

        assertThat(writes(counting)).hasSize(1).first().asString().startsWith("UPDATE (WITH v");
        for (long id = 1; id <= 300; id++) {
            assertThat(result.savedVersions().get(id)).as("row %d", id)
                    .isEqualTo(BulkFixtures.version(db, t, id)).isEqualTo(id == 7 ? 4L : 2L);
        }
        // A stale row under a trigger version: refused, the trigger's count untouched.
        BulkResult again = items.updateAll(List.of(RowChange.of(1, 2L, Map.of("price", 1)),
                RowChange.of(2, 1L, Map.of("price", 1))), BulkPolicy.SKIP_CONFLICTS);
        assertThat(again.conflictKeys()).containsExactly(2L);
        assertThat(again.savedVersions()).containsExactly(Map.entry(1L, 3L));
        assertThat(BulkFixtures.version(db, t, 2)).isEqualTo(2L);
        assertThat(BulkFixtures.price(db, t, 2)).isEqualTo(4L);
    }

    /** A row someone changed and a row someone deleted: exactly those two are refused, the rest deleted. */
    @MariadbOnly
    void deleteAllRefusesExactlyTheChangedAndTheDeletedRows(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 50);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        db.execute("UPDATE " + t + " SET version = 2 WHERE id = 10", "DELETE FROM " + t + " WHERE id = 20");
        List<Identity> shown = LongStream.rangeClosed(1, 50).mapToObj(id -> Identity.of(id, 1)).toList();

        counting.reset();
        BulkResult result = items.deleteAll(shown, BulkPolicy.SKIP_CONFLICTS);

        assertThat(counting.executed().get(0)).startsWith("DELETE t FROM (WITH v");
        assertThat(result.conflictKeys()).containsExactlyInAnyOrder(10L, 20L);
        assertThat(result.conflicts()).filteredOn(c -> c.key().equals(20L)).allMatch(RecordModifiedException::isDeleted);
        assertThat(result.saved()).hasSize(48);
        assertThat(BulkFixtures.count(db, t)).isEqualTo(1);
        assertThat(BulkFixtures.version(db, t, 10)).isEqualTo(2L);

        String u = BulkFixtures.itemTable(db, 30);
        VersionedTable more = BulkFixtures.table(counting, u, VersionStrategy.autoIncrement());
        counting.reset();
        assertThat(more.deleteAll(LongStream.rangeClosed(1, 30).mapToObj(id -> Identity.of(id, 1)).toList(),
                BulkPolicy.ABORT_ALL).saved()).hasSize(30);
        assertThat(counting.executed()).hasSize(1);
        assertThat(BulkFixtures.count(db, u)).isZero();
    }

    /**
     * Without a unique index on the key alone the form cannot force a plan, nor can its count prove one row per key:
     * such a key is refused at declaration, and when the declaration vouches for it ({@code assumeUniqueKey()}), the
     * rows go as a batch, whose count per row would show a key that two rows share.
     */
    @MariadbOnly
    void aKeyWithoutAUniqueIndexOfItsOwnIsWrittenAsABatch(TestDatabase db) {
        String t = db.createTable("loose", "id BIGINT NOT NULL, name VARCHAR(50), price INT, stock INT, "
                + "version BIGINT NOT NULL, KEY (id)");
        BulkFixtures.insertRows(db.dataSource(), t, 5);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        assertThatThrownBy(() -> BulkFixtures.table(counting, t, VersionStrategy.autoIncrement()))
                .isInstanceOf(DeclarationException.class).hasMessageContaining("assumeUniqueKey()");
        VersionedTable items = Concurrency.builder(counting).table(t, d -> d.assumeUniqueKey()).build().table(t);

        counting.reset();
        assertThat(items.updateAll(BulkFixtures.priceChanges(5, 2), BulkPolicy.ABORT_ALL).saved()).hasSize(5);
        assertThat(counting.executed()).hasSize(1).first().asString().startsWith("UPDATE `" + t + "` SET");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 2 AND price = id * 2")).isEqualTo(5);
    }

    /**
     * Values of several types land as the single-row update writes them: each row of the bulk write is compared
     * with a twin row written by {@code update}.
     */
    @MariadbOnly
    void valuesLandAsTheSingleRowUpdateWritesThem(TestDatabase db) {
        String t = db.createTable("typed", "id BIGINT PRIMARY KEY, s VARCHAR(20), n DECIMAL(30,10), i INT, "
                + "f DOUBLE, b TINYINT, d DATE, ts DATETIME(6), bin VARBINARY(8), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, version) VALUES (1, 1), (2, 1), (3, 1), (4, 1)");
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable typed = Concurrency.builder(counting)
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        Map<String, Object> first = new HashMap<>();
        first.put("s", "añ'\\\"x");
        first.put("n", new BigDecimal("12345678901234567890.0123456789"));
        first.put("i", 7);
        first.put("f", 0.1);
        first.put("b", true);
        first.put("d", LocalDate.of(2024, 2, 29));
        first.put("ts", LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000));
        first.put("bin", new byte[] {0, 1, (byte) 0xff});
        Map<String, Object> second = new HashMap<>();
        second.put("s", null);
        second.put("n", 5L);
        second.put("i", null);
        second.put("f", 3);
        second.put("b", 0);
        second.put("d", null);
        second.put("ts", null);
        second.put("bin", null);

        counting.reset();
        BulkResult result = typed.updateAll(List.of(RowChange.of(1, 1L, first), RowChange.of(2, 1L, second)),
                BulkPolicy.ABORT_ALL);
        assertThat(counting.executed()).hasSize(1).first().asString().startsWith("UPDATE (WITH v");
        typed.update(3, 1L, first);
        typed.update(4, 1L, second);

        assertThat(result.saved()).hasSize(2);
        String columns = "CONCAT_WS('|', IFNULL(s, 'NULL'), IFNULL(n, 'NULL'), IFNULL(i, 'NULL'), IFNULL(f, 'NULL'),"
                + " IFNULL(b, 'NULL'), IFNULL(d, 'NULL'), IFNULL(ts, 'NULL'), IFNULL(HEX(bin), 'NULL'), version)";
        assertThat(db.queryValue("SELECT " + columns + " FROM " + t + " WHERE id = 1"))
                .isEqualTo(db.queryValue("SELECT " + columns + " FROM " + t + " WHERE id = 3"));
        assertThat(db.queryValue("SELECT " + columns + " FROM " + t + " WHERE id = 2"))
                .isEqualTo(db.queryValue("SELECT " + columns + " FROM " + t + " WHERE id = 4"));
        assertThat((String) db.queryValue("SELECT " + columns + " FROM " + t + " WHERE id = 1"))
                .contains("12345678901234567890.0123456789");
    }

    /**
     * A chunk is split where one statement would pass MariaDB's 65,535 placeholders (1,000 rows of 70 columns) or
     * grow past a few MiB of text (values of 1.5 million characters): more statements, each with its own evidence,
     * and every row lands.
     */
    @MariadbOnly
    void chunksAreSplitUnderThePlaceholderLimitAndTheStatementSize(TestDatabase db) {
        StringBuilder columns = new StringBuilder("id BIGINT PRIMARY KEY, version BIGINT NOT NULL, txt LONGTEXT");
        for (int c = 0; c < 70; c++) {
            columns.append(", c").append(c).append(" INT");
        }
        String t = db.createTable("wide", columns.toString());
        db.execute("INSERT INTO " + t + " (id, version) SELECT seq, 1 FROM seq_1_to_1000");
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable wide = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        List<RowChange> changes = new ArrayList<>();
        for (long id = 1; id <= 1_000; id++) {
            Map<String, Object> values = new HashMap<>();
            for (int c = 0; c < 70; c++) {
                values.put("c" + c, (int) id + c);
            }
            changes.add(RowChange.of(id, 1L, values));
        }

        counting.reset();
        assertThat(wide.updateAll(changes, BulkPolicy.ABORT_ALL).saved()).hasSize(1_000);
        // 72 placeholders a row: 910 rows, then 90.
        assertThat(writes(counting)).hasSize(2).allMatch(sql -> sql.startsWith("UPDATE (WITH v"));
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 2 AND c0 = id AND c69 = id + 69"))
                .isEqualTo(1_000);

        String big = "x".repeat(1_500_000);
        counting.reset();
        BulkResult result = wide.updateAll(List.of(RowChange.of(1, 2L, Map.of("txt", big)),
                RowChange.of(2, 2L, Map.of("txt", big + "y")), RowChange.of(3, 2L, Map.of("txt", "small"))),
                BulkPolicy.ABORT_ALL);
        assertThat(result.saved()).hasSize(3);
        // Each large value needs a statement of its own; the small one cannot join the second.
        assertThat(writes(counting)).hasSize(3).allMatch(sql -> sql.startsWith("UPDATE (WITH v"));
        assertThat(db.queryLong("SELECT LENGTH(txt) FROM " + t + " WHERE id = 2")).isEqualTo(1_500_001);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 3")).isEqualTo(3);
    }

    private static List<Object> row(TestDatabase db, String t, long id) {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT name, price, stock, version FROM " + t + " WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            List<Object> values = new ArrayList<>();
            values.add(rs.getObject(1));
            values.add(rs.getObject(2));
            values.add(rs.getObject(3));
            values.add(rs.getLong(4));
            return values;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
