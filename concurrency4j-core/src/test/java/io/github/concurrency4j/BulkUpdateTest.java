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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** The list-editable grid: 100 rows saved at once, 7 of them edited by someone else since the grid was shown. */
class BulkUpdateTest {
    private static final int ROWS = 100;
    /** Changed by another user after the grid was read; 96 was deleted. */
    private static final List<Long> STALE = List.of(3L, 17L, 29L, 41L, 58L, 77L, 96L);
    private static final long DELETED = 96L;

    /** Another user's writes, after the grid was read at version 1: price 1000 + id, version 2; 96 deleted. */
    private static void othersEditTheStaleRows(VersionedTable table) {
        for (long id : STALE) {
            if (id == DELETED) {
                table.delete(id, 1L);
            } else {
                table.update(id, 1L, Map.of("price", 1000 + id));
            }
        }
    }

    private static List<Long> current() {
        return LongStream.rangeClosed(1, ROWS).boxed().filter(id -> !STALE.contains(id)).toList();
    }

    @AllDatabases
    void skipConflictsSavesExactlyTheCurrentRowsAndReportsEveryStaleOneWithItsCurrentRow(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        othersEditTheStaleRows(items);

        BulkResult result = items.updateAll(BulkFixtures.priceChanges(ROWS, 10), BulkPolicy.SKIP_CONFLICTS);

        assertThat(result.saved()).hasSize(93);
        assertThat(result.savedVersions().keySet()).containsExactlyElementsOf(current());
        assertThat(result.savedVersions().values()).containsOnly(2L);
        assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
        for (RecordModifiedException c : result.conflicts()) {
            long id = (Long) c.key();
            assertThat(c.expectedVersion()).isEqualTo(1);
            assertThat(c.operation()).isEqualTo("update");
            assertThat(c.attemptedChanges()).containsEntry("price", (int) id * 10);
            if (id == DELETED) {
                assertThat(c.isDeleted()).isTrue();
            } else {
                assertThat(c.currentVersion()).hasValue(2);
                assertThat(((Number) c.currentRow().orElseThrow().get("price")).longValue()).isEqualTo(1000 + id);
            }
        }
        Map<Long, List<Long>> stored = BulkFixtures.snapshot(db, t);
        assertThat(stored).hasSize(ROWS - 1).doesNotContainKey(DELETED);
        for (long id : current()) {
            assertThat(stored.get(id)).as("row %d", id).containsExactly(id * 10, 2L);
        }
        for (long id : STALE) {
            if (id != DELETED) {
                assertThat(stored.get(id)).as("stale row %d keeps the other user's write", id)
                        .containsExactly(1000 + id, 2L);
            }
        }
    }

    @AllDatabases
    void abortAllSavesNothingAndItsExceptionListsEveryStaleRow(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        othersEditTheStaleRows(items);
        Map<Long, List<Long>> before = BulkFixtures.snapshot(db, t);

        BulkConflictException e = catchThrowableOfType(BulkConflictException.class,
                () -> items.updateAll(BulkFixtures.priceChanges(ROWS, 10), BulkPolicy.ABORT_ALL));

        assertThat(e).isNotNull();
        assertThat(e).isInstanceOf(RecordModifiedException.class);
        assertThat(e.keys()).containsExactlyElementsOf(STALE);
        assertThat(e.rowCount()).isEqualTo(ROWS);
        assertThat(e.conflicts()).hasSize(7);
        assertThat(e.conflicts().get(0).currentRow().orElseThrow().get("price")).isIn(1003, 1003L);
        assertThat(e.conflicts().get(6).isDeleted()).isTrue();
        assertThat(e.key()).isEqualTo(3L);
        assertThat(e.getMessage()).contains("Refused update of 100 rows of " + t, "7 have changed",
                "[3, 17, 29, 41, 58, 77, 96]", "96: expected version 1, deleted", "rolled back", "nothing was saved");
        assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);
    }

    @AllDatabases
    void abortAllWithEveryRowCurrentSavesEveryRow(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());

        BulkResult result = items.updateAll(BulkFixtures.priceChanges(ROWS, 3), BulkPolicy.ABORT_ALL);

        assertThat(result.hasConflicts()).isFalse();
        assertThat(result.saved()).hasSize(ROWS);
        assertThat(result.saved().get(0)).isEqualTo(Identity.of(1L, 2));
        assertThat(BulkFixtures.snapshot(db, t).values()).allSatisfy(row -> assertThat(row.get(1)).isEqualTo(2L));
        assertThat(BulkFixtures.price(db, t, 42)).isEqualTo(126);
    }

    @AllDatabases
    void deleteAllDeletesTheCurrentRowsAndReportsTheStaleOnes(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        othersEditTheStaleRows(items);
        List<Identity> shown = LongStream.rangeClosed(1, ROWS).mapToObj(id -> Identity.of(id, 1)).toList();

        BulkConflictException e = catchThrowableOfType(BulkConflictException.class,
                () -> items.deleteAll(shown, BulkPolicy.ABORT_ALL));
        assertThat(e.keys()).containsExactlyElementsOf(STALE);
        assertThat(e.operation()).isEqualTo("delete");
        assertThat(BulkFixtures.count(db, t)).isEqualTo(ROWS - 1);

        BulkResult result = items.deleteAll(shown, BulkPolicy.SKIP_CONFLICTS);
        assertThat(result.saved()).hasSize(93);
        assertThat(result.savedVersions().keySet()).containsExactlyElementsOf(current());
        assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
        assertThat(result.conflicts().get(6).isDeleted()).isTrue();
        assertThat(BulkFixtures.snapshot(db, t).keySet()).containsExactlyElementsOf(
                STALE.stream().filter(id -> id != DELETED).toList());
    }

    @AllDatabases
    void timestampVersionsAreDistinctPerRowAndStillRise(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, ROWS);
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        long nowMicros = (now.getEpochSecond() - Instant.parse("2000-01-01T00:00:00Z").getEpochSecond()) * 1_000_000L;
        VersionedTable items = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.timestamp()))
                .clock(Clock.fixed(now, ZoneOffset.UTC)).build().table(t);
        othersEditTheStaleRows(items);
        long staleVersion = BulkFixtures.version(db, t, 3);

        BulkResult result = items.updateAll(BulkFixtures.priceChanges(ROWS, 10), BulkPolicy.SKIP_CONFLICTS);

        assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
        assertThat(result.conflicts().get(0).currentVersion()).hasValue(staleVersion);
        Map<Long, List<Long>> stored = BulkFixtures.snapshot(db, t);
        Set<Long> versions = result.saved().stream().map(Identity::version).collect(Collectors.toSet());
        assertThat(versions).hasSize(93).allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(nowMicros));
        for (Identity saved : result.saved()) {
            assertThat(stored.get((Long) saved.key()).get(1)).isEqualTo(saved.version());
        }
    }

    @AllDatabases
    void conditionalVersionsAreReadBackInTheSameTransaction(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.conditional().checkFields("price"));
        othersEditTheStaleRows(items);
        // Even rows get a new price (a tracked change: version 2); odd rows are written with the price they have
        // and a new stock (untracked: version stays 1). Both are checked.
        List<RowChange> changes = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            changes.add(RowChange.of(id, 1L, id % 2 == 0 ? Map.of("price", id * 10) : Map.of("price", id, "stock", 0)));
        }

        BulkResult result = items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);

        assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
        Map<Object, Long> versions = result.savedVersions();
        assertThat(versions).hasSize(93);
        assertThat(versions.get(2L)).isEqualTo(2);
        assertThat(versions.get(1L)).isEqualTo(1);
        Map<Long, List<Long>> stored = BulkFixtures.snapshot(db, t);
        for (Map.Entry<Object, Long> v : versions.entrySet()) {
            long id = (Long) v.getKey();
            assertThat(stored.get(id)).containsExactly(id % 2 == 0 ? id * 10 : id, id % 2 == 0 ? 2L : 1L);
        }
        assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 1")).isZero();
    }

    @AllDatabases
    void rowsWithDifferentColumnSetsAreAllSaved(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 4);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());

        BulkResult result = items.updateAll(List.of(
                RowChange.of(1, 1L, Map.of("price", 11)),
                RowChange.of(2, 1L, Map.of("name", "two")),
                RowChange.of(3, 1L, Map.of("price", 33, "name", "three")),
                RowChange.of("4", 1L, Map.of())), BulkPolicy.ABORT_ALL);

        assertThat(result.savedVersions()).containsExactly(Map.entry(1L, 2L), Map.entry(2L, 2L), Map.entry(3L, 2L),
                Map.entry(4L, 2L));
        assertThat(BulkFixtures.price(db, t, 3)).isEqualTo(33);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("two");
    }

    @AllDatabases
    void badInputIsRefusedBeforeAnythingIsWritten(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        Map<Long, List<Long>> before = BulkFixtures.snapshot(db, t);

        assertThatThrownBy(() -> items.updateAll(null, BulkPolicy.ABORT_ALL))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("changes must not be null");
        assertThatThrownBy(() -> items.updateAll(List.of(), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("BulkPolicy.SKIP_CONFLICTS");
        List<RowChange> withNull = new ArrayList<>();
        withNull.add(RowChange.of(1, 1L, Map.of("price", 0)));
        withNull.add(null);
        assertThatThrownBy(() -> items.updateAll(withNull, BulkPolicy.SKIP_CONFLICTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changes[1]")
                .hasMessageContaining("Nothing was written");
        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 0)),
                RowChange.of("1", 1L, Map.of("stock", 0))), BulkPolicy.SKIP_CONFLICTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Key 1 of " + t + " appears twice").hasMessageContaining("(at 0 and 1)")
                .hasMessageContaining("one RowChange per row");
        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 0)),
                RowChange.of(2, 1L, Map.of("colour", "red"))), BulkPolicy.SKIP_CONFLICTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column 'colour'");
        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of(1, 1L, Map.of("version", 9))),
                BulkPolicy.SKIP_CONFLICTS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version column");
        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 0)),
                new RowChange(2, null, Map.of("price", 0))), BulkPolicy.SKIP_CONFLICTS))
                .isInstanceOf(MissingVersionException.class);
        assertThatThrownBy(() -> items.deleteAll(List.of(Identity.of(1, 1), Identity.of(1L, 1)),
                BulkPolicy.SKIP_CONFLICTS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> items.updateAll(List.of(RowChange.of("one", 1L, Map.of())),
                BulkPolicy.SKIP_CONFLICTS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> RowChange.of(null, 1L, Map.of())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key must not be null");

        assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);
        assertThat(items.updateAll(List.of(), BulkPolicy.ABORT_ALL).saved()).isEmpty();
    }

    @AllDatabases
    void disableScopesAndVersionRequiredWorkAsForSingleRowWrites(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable items = concurrency.table(t);
        items.update(1, 1L, Map.of("price", 100));

        // Checks off: the stale version of row 1 is not checked, and versions are still bumped (read back).
        try (DisableScope off = concurrency.disable(t)) {
            BulkResult r = items.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 5)),
                    new RowChange(2, null, Map.of("price", 6))), BulkPolicy.ABORT_ALL);
            assertThat(r.savedVersions()).containsExactly(Map.entry(1L, 3L), Map.entry(2L, 2L));
            assertThatThrownBy(() -> items.updateAll(List.of(new RowChange(42, null, Map.of("price", 6))),
                    BulkPolicy.SKIP_CONFLICTS)).isInstanceOf(RowNotFoundException.class);
        }
        assertThat(BulkFixtures.price(db, t, 1)).isEqualTo(5);

        // Increments off: still checked, the version stays.
        try (DisableScope off = concurrency.disableIncrement(t)) {
            BulkResult r = items.updateAll(List.of(RowChange.of(1, 3L, Map.of("price", 7)),
                    RowChange.of(3, 9L, Map.of("price", 8))), BulkPolicy.SKIP_CONFLICTS);
            assertThat(r.savedVersions()).containsExactly(Map.entry(1L, 3L));
            assertThat(r.conflictKeys()).containsExactly(3L);
        }
        assertThat(BulkFixtures.version(db, t, 1)).isEqualTo(3);
        assertThat(BulkFixtures.price(db, t, 1)).isEqualTo(7);

        VersionedTable lax = Concurrency.builder(db.dataSource()).table(t).versionRequired(false).build().table(t);
        BulkResult r = lax.updateAll(List.of(new RowChange(3, null, Map.of("price", 9))), BulkPolicy.ABORT_ALL);
        assertThat(r.savedVersions()).containsExactly(Map.entry(3L, 2L));
    }

    @AllDatabases
    void inTheCallersTransactionAnAbortUndoesOnlyTheBatch(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 10);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        items.update(7, 1L, Map.of("price", 70));

        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            VersionedTable inTx = items.using(c);
            inTx.update(10, 1L, Map.of("price", 1000));
            assertThatThrownBy(() -> inTx.updateAll(BulkFixtures.priceChanges(9, 10), BulkPolicy.ABORT_ALL))
                    .isInstanceOf(BulkConflictException.class).hasMessageContaining("[7]");
            BulkResult r = inTx.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 11))), BulkPolicy.ABORT_ALL);
            assertThat(r.savedVersions()).containsEntry(1L, 2L);
            c.commit();
            c.setAutoCommit(true);
        }
        Map<Long, List<Long>> stored = BulkFixtures.snapshot(db, t);
        assertThat(stored.get(10L)).containsExactly(1000L, 2L);
        assertThat(stored.get(1L)).containsExactly(11L, 2L);
        assertThat(stored.get(2L)).containsExactly(2L, 1L);
        assertThat(stored.get(7L)).containsExactly(70L, 2L);
    }

    @AllDatabases
    void aConflictHandlerTranslatesTheAbort(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        VersionedTable items = Concurrency.builder(db.dataSource()).table(t)
                .conflictHandler(c -> new IllegalStateException("stale rows " + ((BulkConflictException) c).keys(), c))
                .build().table(t);
        items.update(2, 1L, Map.of("price", 0));

        assertThatThrownBy(() -> items.updateAll(BulkFixtures.priceChanges(3, 2), BulkPolicy.ABORT_ALL))
                .isInstanceOf(IllegalStateException.class).hasMessage("stale rows [2]");
        // SKIP_CONFLICTS reports instead of throwing: the handler is not involved.
        assertThat(items.updateAll(BulkFixtures.priceChanges(3, 2), BulkPolicy.SKIP_CONFLICTS).conflictKeys())
                .containsExactly(2L);
        assertThat(new HashMap<>(BulkFixtures.snapshot(db, t))).containsEntry(1L, List.of(2L, 2L));
    }
}
