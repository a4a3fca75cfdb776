package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.OneStatementBulkDatabases;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

/**
 * On PostgreSQL a bulk write is one statement per chunk of rows ({@code UPDATE ... FROM unnest(...) RETURNING};
 * the tests marked {@link OneStatementBulkDatabases} also hold for MariaDB's joined form, see BulkJoinedStatementTest),
 * whatever the strategy, the columns each row changes, or whether the rows are checked; every row reported saved
 * came back from that statement, and the table holds what the single-row path would have written.
 */
class BulkSingleStatementTest {

    private static List<String> writes(CountingDataSource counting) {
        return counting.executed().stream().filter(s -> !s.startsWith("SELECT")).toList();
    }

    private static int maxRowsPerStatement(TestDatabase db) {
        return Concurrency.builder(db.dataSource()).build().dialect().bulkStatements().maxRowsPerStatement();
    }

    @PostgresqlOnly
    void updateAllOfAThousandRowsIsOneStatementAndDeleteAllIsAnother(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 1_000);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());

        counting.reset();
        BulkResult result = items.updateAll(BulkFixtures.priceChanges(1_000, 3), BulkPolicy.ABORT_ALL);

        assertThat(counting.executed()).hasSize(1);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("UPDATE").contains("unnest");
        assertThat(result.savedVersions()).hasSize(1_000);
        assertThat(result.savedVersions().values()).containsOnly(2L);
        Map<Long, List<Long>> stored = BulkFixtures.snapshot(db, t);
        for (long id = 1; id <= 1_000; id++) {
            assertThat(stored.get(id)).as("row %d", id).containsExactly(id * 3, 2L);
        }

        counting.reset();
        List<Identity> shown = LongStream.rangeClosed(1, 1_000).mapToObj(id -> Identity.of(id, 2)).toList();
        assertThat(items.deleteAll(shown, BulkPolicy.ABORT_ALL).saved()).hasSize(1_000);
        assertThat(counting.executed()).hasSize(1);
        assertThat(BulkFixtures.write(counting.executed().get(0))).startsWith("DELETE").contains("unnest");
        assertThat(BulkFixtures.count(db, t)).isZero();
    }

    @PostgresqlOnly
    void rowsBeyondOneChunkTakeOneStatementPerChunk(TestDatabase db) {
        int n = maxRowsPerStatement(db) + 1;
        String t = BulkFixtures.itemTable(db, n);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());

        counting.reset();
        assertThat(items.updateAll(BulkFixtures.priceChanges(n, 2), BulkPolicy.ABORT_ALL).saved()).hasSize(n);

        assertThat(counting.executed()).hasSize(2).allMatch(s -> s.contains("unnest"));
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 2 AND price = id * 2")).isEqualTo(n);
    }

    @PostgresqlOnly
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

        assertThat(writes(counting)).hasSize(1);
        assertThat(counting.executed()).hasSize(1);
        assertThat(result.savedVersions()).containsOnlyKeys(1L, 2L, 3L, 4L).containsValue(2L);
        assertThat(row(db, t, 1)).containsExactly("one", 1, 5, 2L);
        assertThat(row(db, t, 2)).containsExactly("item 2", 20, 5, 2L);
        assertThat(row(db, t, 3)).containsExactly(null, 3, 5, 2L);
        assertThat(row(db, t, 4)).containsExactly("item 4", null, 9, 2L);
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

    @PostgresqlOnly
    void conditionalVersionsRiseOnlyForRowsWhoseTrackedValuesChangeInTheSameStatement(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 4);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.conditional().checkFields("price"));

        counting.reset();
        BulkResult result = items.updateAll(List.of(
                RowChange.of(1, 1L, Map.of("price", 100)),             // tracked, changed: bumps
                RowChange.of(2, 1L, Map.of("price", 2)),               // tracked, same value: stays
                RowChange.of(3, 1L, Map.of("stock", 7)),               // untracked only: stays
                RowChange.of(4, 1L, Map.of("price", 4, "stock", 8))),  // tracked same, untracked changed: stays
                BulkPolicy.ABORT_ALL);

        assertThat(counting.executed()).hasSize(1).first().asString().contains("CASE WHEN").contains("unnest");
        assertThat(result.savedVersions()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 2L, 2L, 1L, 3L, 1L, 4L, 1L));
        assertThat(row(db, t, 1)).containsExactly("item 1", 100, 5, 2L);
        assertThat(row(db, t, 2)).containsExactly("item 2", 2, 5, 1L);
        assertThat(row(db, t, 3)).containsExactly("item 3", 3, 7, 1L);
        assertThat(row(db, t, 4)).containsExactly("item 4", 4, 8, 1L);
    }

    @PostgresqlOnly
    void triggerVersionsComeBackFromTheStatement(TestDatabase db) {
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

        assertThat(counting.executed()).hasSize(1).first().asString().contains("unnest");
        for (long id = 1; id <= 300; id++) {
            assertThat(result.savedVersions().get(id)).as("row %d", id)
                    .isEqualTo(BulkFixtures.version(db, t, id)).isEqualTo(id == 7 ? 4L : 2L);
        }
    }

    @OneStatementBulkDatabases
    void timestampVersionsAreTheStoredOnes(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 200);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.timestamp());

        counting.reset();
        BulkResult result = items.updateAll(BulkFixtures.priceChanges(200, 2), BulkPolicy.ABORT_ALL);

        assertThat(counting.executed()).hasSize(1);
        assertThat(result.savedVersions().values()).doesNotHaveDuplicates().allMatch(v -> v > 1);
        for (long id = 1; id <= 200; id++) {
            assertThat(result.savedVersions().get(id)).isEqualTo(BulkFixtures.version(db, t, id));
        }
    }

    @OneStatementBulkDatabases
    void uncheckedRowsAreOneStatementAndAMissingRowWritesNothing(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 100);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        Concurrency concurrency = Concurrency.builder(counting)
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build();
        VersionedTable items = concurrency.table(t);
        items.update(5, 1L, Map.of("price", 55));

        counting.reset();
        try (DisableScope off = concurrency.disable(t)) {
            // Unchecked: row 5 is at version 2, the change names version 1, and it is written anyway.
            BulkResult result = items.updateAll(BulkFixtures.priceChanges(100, 4), BulkPolicy.ABORT_ALL);
            assertThat(result.savedVersions().get(5L)).isEqualTo(3L);
            assertThat(result.savedVersions()).hasSize(100);
        }
        assertThat(counting.executed().stream().filter(sql -> !sql.startsWith("SELECT")))
                .hasSize(1).first().asString().startsWith("UPDATE");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 4")).isEqualTo(100);

        List<RowChange> withMissing = new ArrayList<>(BulkFixtures.priceChanges(100, 5));
        withMissing.add(RowChange.of(1_000, 1L, Map.of("price", 1)));
        try (DisableScope off = concurrency.disable(t)) {
            assertThatThrownBy(() -> items.updateAll(withMissing, BulkPolicy.SKIP_CONFLICTS))
                    .isInstanceOf(RowNotFoundException.class);
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 4")).isEqualTo(100);
    }

    /**
     * Rows checked and unchecked go in one statement per kind, after one read that locks every row in key order: two
     * such calls split the other way round would otherwise lock the same rows in opposite orders and deadlock
     * (BulkMixedShapesStormTest).
     */
    @PostgresqlOnly
    void aMixOfCheckedAndUncheckedRowsIsOneLockingReadAndOneStatementPerKind(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 10);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable items = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        items.update(3, 1L, Map.of("price", 33));

        counting.reset();
        BulkResult result;
        try (DisableScope off = items.disable(3)) {
            result = items.updateAll(BulkFixtures.priceChanges(10, 10), BulkPolicy.ABORT_ALL);
        }

        assertThat(counting.executed()).hasSize(3);
        assertThat(counting.executed().get(0)).contains("ORDER BY").endsWith("FOR UPDATE").doesNotContain("unnest");
        assertThat(counting.executed().subList(1, 3)).allMatch(s -> s.contains("unnest"));
        assertThat(result.savedVersions()).hasSize(10).containsEntry(3L, 3L).containsEntry(1L, 2L);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 10")).isEqualTo(10);
    }

    /**
     * Every column type a grid edits lands as the single-row UPDATE writes it: each row of the bulk write is
     * compared with a twin row written by {@code update}, column by column, as PostgreSQL prints them.
     */
    @PostgresqlOnly
    void everyColumnTypeLandsAsTheSingleRowUpdateWritesIt(TestDatabase db) {
        db.execute("DO $$ BEGIN CREATE TYPE c4j_mood AS ENUM ('calm', 'busy'); "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        String t = db.createTable("typed", "id BIGINT PRIMARY KEY, s TEXT, vc VARCHAR(8), ch CHAR(4), n NUMERIC(12,3), "
                + "i INT, sm SMALLINT, f8 DOUBLE PRECISION, f4 REAL, b BOOLEAN, ts TIMESTAMP, tz TIMESTAMPTZ, "
                + "d DATE, tm TIME, u UUID, j JSONB, by BYTEA, mood c4j_mood, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, version) SELECT g, 1 FROM generate_series(1, 6) g");
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable typed = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        List<Map<String, Object>> variants = List.of(typedValues(1), typedValues(2), nulls());

        List<RowChange> bulk = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            typed.update(i + 1, 1L, variants.get(i));
            bulk.add(RowChange.of(i + 4, 1L, variants.get(i)));
        }
        counting.reset();
        assertThat(typed.updateAll(bulk, BulkPolicy.ABORT_ALL).saved()).hasSize(3);

        assertThat(counting.executed()).hasSize(1).first().asString().contains("unnest");
        for (int i = 0; i < variants.size(); i++) {
            assertThat(printed(db, t, i + 4)).as("variant %d", i).isEqualTo(printed(db, t, i + 1));
        }
        assertThat(printed(db, t, 4).get("vc")).isEqualTo("ab'\"{},");
        assertThat(printed(db, t, 6).values()).containsOnlyNulls();

        // A String for a JSON or enum column is refused as the single-row update refuses it (the driver sends it as
        // varchar), with the same advice and nothing written: no longer stored by the bulk path alone
        // (PostgresTypeParityTest has every pair).
        List<RowChange> strings = List.of(RowChange.of(4, 2L, Map.of("j", "{\"a\": [1, 2, {\"b\": null}]}",
                "mood", "busy")), RowChange.of(5, 2L, Map.of("j", "\"text\"", "mood", "calm")));
        assertThatThrownBy(() -> typed.update(4, 2L, strings.get(0).changes()))
                .isInstanceOf(StatementFailedException.class).hasMessageContaining("stringtype=unspecified");
        assertThatThrownBy(() -> typed.updateAll(strings, BulkPolicy.ABORT_ALL))
                .isInstanceOf(StatementFailedException.class).hasMessageContaining("stringtype=unspecified");
        assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE id IN (4, 5) AND version = 2 AND j IS NULL "
                + "AND mood IS NULL")).isEqualTo(2);
    }

    private static Map<String, Object> typedValues(int seed) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("s", seed == 1 ? "line\nbreak, \"quoted\" {braces} \\ back" : "NULL");
        v.put("vc", seed == 1 ? "ab'\"{}," : "x");
        v.put("ch", "ab");
        v.put("n", new BigDecimal(seed == 1 ? "12345.678" : "1E+3"));
        v.put("i", seed == 1 ? Integer.MIN_VALUE : 7L);
        v.put("sm", (short) seed);
        v.put("f8", seed == 1 ? 1.0 / 3 : Double.NaN);
        v.put("f4", seed == 1 ? 0.1f : Float.NEGATIVE_INFINITY);
        v.put("b", seed == 1);
        v.put("ts", seed == 1 ? Timestamp.valueOf("2024-03-31 02:30:00.123456") : LocalDateTime.of(1999, 12, 31, 23, 59));
        v.put("tz", seed == 1 ? OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6_000, ZoneOffset.ofHours(5))
                : Timestamp.valueOf("2010-06-01 12:00:00"));
        v.put("d", seed == 1 ? LocalDate.of(2024, 2, 29) : java.sql.Date.valueOf("2000-01-01"));
        v.put("tm", LocalTime.of(13, 14, 15, 16_000));
        v.put("u", UUID.fromString(seed == 1 ? "3f1c1b52-2c4f-4a55-9a36-1d7d0b7f2a10"
                : "00000000-0000-0000-0000-000000000001"));
        v.put("by", seed == 1 ? new byte[] {0, 1, (byte) 0xff, '\\', '"'} : new byte[0]);
        return v;
    }

    private static Map<String, Object> nulls() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (String c : typedValues(1).keySet()) {
            v.put(c, null);
        }
        return v;
    }

    private static Map<String, Object> printed(TestDatabase db, String t, long id) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String c : typedValues(1).keySet()) {
            values.put(c, db.queryValue("SELECT " + c + "::text FROM " + t + " WHERE id = " + id));
        }
        return values;
    }

    @PostgresqlOnly
    void aValueTooLongForItsColumnFailsAsInASingleUpdateAndNothingIsSaved(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        db.execute("ALTER TABLE " + t + " ALTER COLUMN name TYPE VARCHAR(6)");
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());

        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of(1, 1L, Map.of("name", "ok")),
                RowChange.of(2, 1L, Map.of("name", "far too long"))), BulkPolicy.SKIP_CONFLICTS))
                .isInstanceOf(StatementFailedException.class).hasMessageContaining("nothing was saved")
                .rootCause().hasMessageContaining("too long");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 1 AND name LIKE 'item %'"))
                .isEqualTo(3);
    }

    /** A value the one-statement form cannot carry exactly (a float into NUMERIC) goes as a batch, and lands. */
    @PostgresqlOnly
    void aValueTheStatementCannotCarryExactlyIsWrittenAsABatch(TestDatabase db) {
        String t = db.createTable("money", "id BIGINT PRIMARY KEY, amount NUMERIC(20,10), tags INT[], "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, version) VALUES (1, 1), (2, 1), (3, 1)");
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable money = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
        money.update(1, 1L, Map.of("amount", 1.0 / 3));

        counting.reset();
        assertThat(money.updateAll(List.of(RowChange.of(2, 1L, Map.of("amount", 1.0 / 3)),
                RowChange.of(3, 1L, Map.of("amount", 2))), BulkPolicy.ABORT_ALL).saved()).hasSize(2);

        assertThat(counting.executed()).hasSize(1).first().asString().doesNotContain("unnest");
        assertThat(db.queryValue("SELECT amount::text FROM " + t + " WHERE id = 2"))
                .isEqualTo(db.queryValue("SELECT amount::text FROM " + t + " WHERE id = 1"));
    }

    /** Keys of any type: each returned row is named by its position in the arrays, not by a key read back. */
    @PostgresqlOnly
    void uuidTextAndIntKeysAreOneStatementEach(TestDatabase db) {
        UUID a = UUID.fromString("00000000-0000-0000-0000-00000000000a");
        UUID b = UUID.fromString("00000000-0000-0000-0000-00000000000b");
        for (String keyType : List.of("UUID", "VARCHAR(20)", "INT")) {
            String t = db.createTable("keyed", "id " + keyType + " PRIMARY KEY, name TEXT, version BIGINT NOT NULL");
            Object k1 = keyType.equals("UUID") ? a : keyType.equals("INT") ? (Object) 1 : "k-1";
            Object k2 = keyType.equals("UUID") ? b : keyType.equals("INT") ? (Object) 2 : "k-2";
            db.execute("INSERT INTO " + t + " VALUES ('" + k1 + "', 'one', 1), ('" + k2 + "', 'two', 1)");
            CountingDataSource counting = new CountingDataSource(db.dataSource());
            VersionedTable keyed = BulkFixtures.table(counting, t, VersionStrategy.autoIncrement());
            keyed.update(k2, 1L, Map.of("name", "changed"));

            counting.reset();
            BulkResult result = keyed.updateAll(List.of(RowChange.of(k1, 1L, Map.of("name", "uno")),
                    RowChange.of(k2, 1L, Map.of("name", "dos"))), BulkPolicy.SKIP_CONFLICTS);

            assertThat(counting.executed()).as(keyType).hasSize(2).first().asString().contains("unnest");
            assertThat(result.saved()).as(keyType).hasSize(1);
            assertThat(result.savedVersions().get(result.saved().get(0).key())).isEqualTo(2L);
            assertThat(result.conflicts()).hasSize(1);
            assertThat(db.queryValue("SELECT string_agg(name || version, ',' ORDER BY name) FROM " + t))
                    .as(keyType).isEqualTo("changed2,uno2");

            counting.reset();
            assertThat(keyed.deleteAll(List.of(Identity.of(k1, 2L), Identity.of(k2, 2L)), BulkPolicy.ABORT_ALL)
                    .saved()).hasSize(2);
            assertThat(counting.executed()).as(keyType).hasSize(1).first().asString().contains("unnest");
            assertThat(BulkFixtures.count(db, t)).isZero();
        }
    }

    /**
     * Duplicates are found after the rows are sorted by key, and the pair reported is still the one a reader finds
     * first: key 3 at 1 and 3, before key 5 at 0 and 4. Nothing is written.
     */
    @AllDatabases
    void theFirstRepeatedKeyInTheCallersOrderIsReportedAndNothingIsWritten(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 10);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        List<RowChange> changes = List.of(5, 3, 9, 3, 5).stream()
                .map(id -> RowChange.of(id, 1L, Map.of("price", 0))).toList();

        assertThatThrownBy(() -> items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Key 3 of " + t + " appears twice in one updateAll (at 1 and 3)");
        assertThatThrownBy(() -> items.deleteAll(List.of(Identity.of(7, 1), Identity.of("7", 1)),
                BulkPolicy.SKIP_CONFLICTS)).hasMessageContaining("Key 7 of " + t + " appears twice in one deleteAll (at 0 and 1)");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE version = 1 AND price = id")).isEqualTo(10);
    }
}
