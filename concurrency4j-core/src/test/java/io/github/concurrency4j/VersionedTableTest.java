package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

class VersionedTableTest {

    @AllDatabases
    void staleUpdateIsRefusedAndRowKeepsWinnersValues(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);

        Row a = products.find(1).orElseThrow();
        Row b = products.find(1).orElseThrow();
        long aVersion = products.update(1, a.version(), Map.of("name", "apple by a"));

        RecordModifiedException conflict = catchThrowableOfType(RecordModifiedException.class,
                () -> products.update(1, b.version(), Map.of("name", "apple by b")));

        assertThat(conflict).isNotNull();
        assertThat(conflict.table()).isEqualTo(t);
        assertThat(conflict.key()).isEqualTo(1L);
        assertThat(conflict.expectedVersion()).isEqualTo(1);
        assertThat(conflict.currentVersion()).hasValue(aVersion);
        assertThat(conflict.isDeleted()).isFalse();
        assertThat(conflict.currentRow().orElseThrow().get("name")).isEqualTo("apple by a");
        assertThat(conflict.attemptedChanges()).containsEntry("name", "apple by b");
        assertThat(conflict.getMessage()).contains("Refused update of " + t + " 1", "version 1", "version 2");

        Row stored = products.find(1).orElseThrow();
        assertThat(stored.get("name")).isEqualTo("apple by a");
        assertThat(stored.version()).isEqualTo(2);
    }

    @AllDatabases
    void autoIncrementAddsOneAndLeavesOtherRowsAlone(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);

        assertThat(products.update(1, 1L, Map.of("price", 11))).isEqualTo(2);
        assertThat(products.update(1, 2L, Map.of("price", 12, "stock", 4))).isEqualTo(3);

        Row row = products.find(1).orElseThrow();
        assertThat(row.version()).isEqualTo(3);
        assertThat(((Number) row.get("price")).intValue()).isEqualTo(12);
        assertThat(((Number) row.get("stock")).intValue()).isEqualTo(4);
        assertThat(products.find(2).orElseThrow().version()).isEqualTo(1);
    }

    @AllDatabases
    void timestampVersionIsMicrosecondsSince2000AndAlwaysRises(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        long nowMicros = (now.getEpochSecond() - Instant.parse("2000-01-01T00:00:00Z").getEpochSecond()) * 1_000_000L;
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.timestamp()))
                .clock(Clock.fixed(now, ZoneOffset.UTC))
                .build();
        VersionedTable products = c.table(t);

        long first = products.update(1, 1L, Map.of("price", 11));
        assertThat(first).isEqualTo(nowMicros);
        // The clock has not moved: the version still rises by one.
        long second = products.update(1, first, Map.of("price", 12));
        assertThat(second).isEqualTo(nowMicros + 1);
        assertThat(products.find(1).orElseThrow().version()).isEqualTo(nowMicros + 1);

        Identity inserted = products.insert(Map.of("id", 3, "name", "plum", "price", 1, "stock", 1));
        assertThat(inserted.version()).isEqualTo(nowMicros);
        assertThatThrownBy(() -> products.update(1, first, Map.of("price", 13)))
                .isInstanceOf(RecordModifiedException.class);
    }

    @AllDatabases
    void conditionalWithCheckFieldsBumpsOnlyWhenATrackedValueChanges(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t,
                VersionStrategy.conditional().checkFields("name", "price")).table(t);

        // Only an untracked column changes: checked, but the version stays.
        assertThat(products.update(1, 1L, Map.of("stock", 3))).isEqualTo(1);
        // A tracked column is written with the value it already has: no bump either.
        assertThat(products.update(1, 1L, Map.of("name", "apple", "stock", 2))).isEqualTo(1);
        // A tracked column changes: bump.
        assertThat(products.update(1, 1L, Map.of("price", 15))).isEqualTo(2);
        Row row = products.find(1).orElseThrow();
        assertThat(row.version()).isEqualTo(2);
        assertThat(((Number) row.get("stock")).intValue()).isEqualTo(2);

        // An untracked-only write is still checked against the version.
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("stock", 9)))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(((Number) products.find(1).orElseThrow().get("stock")).intValue()).isEqualTo(2);
    }

    @AllDatabases
    void conditionalWithIgnoreFieldsTracksEverythingElse(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t,
                VersionStrategy.conditional().ignoreFields("stock")).table(t);

        assertThat(products.update(1, 1L, Map.of("stock", 0))).isEqualTo(1);
        assertThat(products.update(1, 1L, Map.of("price", 99))).isEqualTo(2);
        // NULL versus a value is a change; NULL versus NULL is not.
        assertThat(products.update(1, 2L, mapOfNull("name"))).isEqualTo(3);
        assertThat(products.update(1, 3L, mapOfNull("name"))).isEqualTo(3);
        assertThatThrownBy(() -> products.update(1, 2L, Map.of("stock", 1)))
                .isInstanceOf(RecordModifiedException.class);
    }

    @AllDatabases
    void staleDeleteIsRefusedAndTheRowSurvives(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);
        products.update(1, 1L, Map.of("price", 11));

        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class, () -> products.delete(1, 1L));
        assertThat(e.operation()).isEqualTo("delete");
        assertThat(e.currentVersion()).hasValue(2);
        assertThat(products.find(1)).isPresent();

        products.delete(1, 2L);
        assertThat(products.find(1)).isEmpty();
    }

    @AllDatabases
    void updateOfADeletedRowSaysItWasDeleted(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);
        products.delete(1, 1L);

        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                () -> products.update(1, 1L, Map.of("price", 1)));
        assertThat(e.isDeleted()).isTrue();
        assertThat(e.currentRow()).isEmpty();
        assertThat(e.currentVersion()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("Refused update of " + t + " 1: it was based on version 1, but no row has "
                + "that key now: it was deleted since (or the key is wrong). Nothing was written.");
        assertThat(products.find(1)).isEmpty();
    }

    @AllDatabases
    void insertSetsTheInitialVersionAndReturnsAGeneratedKey(TestDatabase db) {
        String t = db.createTable("gen", "id " + db.generatedKey() + ", name VARCHAR(50), version BIGINT NOT NULL");
        VersionedTable table = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);

        Identity first = table.insert(Map.of("name", "one"));
        Identity second = table.insert(Map.of("name", "two"));

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.key()).isNotEqualTo(first.key());
        assertThat(table.find(second.key()).orElseThrow().get("name")).isEqualTo("two");
        assertThat(table.update(second.key(), second.version(), Map.of("name", "2"))).isEqualTo(2);
        assertThatThrownBy(() -> table.insert(Map.of("name", "x", "version", 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version column");
    }

    @AllDatabases
    void findAtVersionAndIsChangedCompareWithTheStoredVersion(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);

        assertThat(products.find(1, 1)).isPresent();
        assertThat(products.isChanged(1, 1)).isFalse();
        products.update(1, 1L, Map.of("price", 3));
        assertThat(products.find(1, 1)).isEmpty();
        assertThat(products.find(1, 2)).isPresent();
        assertThat(products.isChanged(1, 1)).isTrue();
        assertThat(products.isChanged(99, 1)).isTrue();
        assertThat(products.find("2").orElseThrow().version()).isEqualTo(1);
    }

    @AllDatabases
    void conflictHandlerReplacesTheException(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t)
                .conflictHandler(conflict -> new IllegalStateException("stale " + conflict.key(), conflict))
                .build();
        VersionedTable products = c.table(t);
        products.update(1, 1L, Map.of("price", 3));

        assertThatThrownBy(() -> products.update(1, 1L, Map.of("price", 4)))
                .isInstanceOf(IllegalStateException.class).hasMessage("stale 1")
                .hasCauseInstanceOf(RecordModifiedException.class);
    }

    @AllDatabases
    void versionNotRequiredWritesBlindAndVersionRequiredRefuses(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        VersionedTable strict = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);

        MissingVersionException missing = catchThrowableOfType(MissingVersionException.class,
                () -> strict.update(1, null, Map.of("price", 0)));
        assertThat(missing.getMessage()).contains("without an expected version", "nothing was written");
        assertThatThrownBy(() -> strict.delete(1, null)).isInstanceOf(MissingVersionException.class);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);

        VersionedTable lax = Concurrency.builder(db.dataSource()).table(t).versionRequired(false).build().table(t);
        assertThat(lax.update(1, null, Map.of("price", 0))).isEqualTo(2);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isZero();
        assertThatThrownBy(() -> lax.update(1, 1L, Map.of("price", 5))).isInstanceOf(RecordModifiedException.class);
        assertThatThrownBy(() -> lax.update(42, null, Map.of("price", 5))).isInstanceOf(RowNotFoundException.class);
    }

    @AllDatabases
    void callerTransactionIsJoinedAndItsRollbackUndoesTheWrite(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t,
                VersionStrategy.conditional().checkFields("price")).table(t);

        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            VersionedTable inTx = products.using(c);
            assertThat(inTx.update(1, 1L, Map.of("price", 50))).isEqualTo(2);
            assertThat(inTx.find(1).orElseThrow().version()).isEqualTo(2);
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(products.find(1).orElseThrow().version()).isEqualTo(1);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
    }

    @AllDatabases
    void recordsMapToRowsAndCarryTheirNewVersion(TestDatabase db) {
        String t = db.createTable("item", "id " + db.generatedKey() + ", display_name VARCHAR(50), "
                + "unit_price INT, version BIGINT NOT NULL");
        RecordTable<Item> items = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement())
                .table(t).as(Item.class);

        Item created = items.insert(new Item(null, "cup", 3, 0));
        assertThat(created.id()).isNotNull();
        assertThat(created.version()).isEqualTo(1);

        Item loaded = items.find(created.id()).orElseThrow();
        assertThat(loaded).isEqualTo(created);
        Item saved = items.update(new Item(loaded.id(), "mug", 4, loaded.version()));
        assertThat(saved.version()).isEqualTo(2);
        assertThat(items.find(created.id()).orElseThrow()).isEqualTo(saved);

        assertThatThrownBy(() -> items.update(new Item(loaded.id(), "bowl", 5, loaded.version())))
                .isInstanceOf(RecordModifiedException.class);
        assertThatThrownBy(() -> items.delete(loaded)).isInstanceOf(RecordModifiedException.class);
        items.delete(saved);
        assertThat(items.find(created.id())).isEmpty();
    }

    record Item(Long id, String displayName, int unitPrice, long version) {
    }

    private static Map<String, Object> mapOfNull(String column) {
        Map<String, Object> m = new HashMap<>();
        m.put(column, null);
        return m;
    }
}
