package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.util.List;
import java.util.Map;

/**
 * Trigger versions: the database bumps the version (and the bulk statement too, to the same value), so writes made
 * outside the application make rows stale; a bulk update hands back the versions the rows hold. The triggers are
 * the ones concurrency4j creates at startup ({@code withAutoCreate(true)}).
 */
class BulkTriggerTest {
    private static final List<Long> STALE = List.of(2L, 30L, 31L, 64L, 70L, 88L, 100L);

    @AllDatabases
    void triggerVersionsAreReadBackAndStaleRowsAreStillFound(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 100);
        VersionedTable items = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                .build().table(t);
        // Writes from outside the application: the trigger moves these rows to version 2.
        for (long id : STALE) {
            db.execute("UPDATE " + t + " SET price = 0 WHERE id = " + id);
        }
        assertThat(BulkFixtures.version(db, t, 2)).isEqualTo(2);
        var before = BulkFixtures.snapshot(db, t);

        BulkConflictException abort = catchThrowableOfType(BulkConflictException.class,
                () -> items.updateAll(BulkFixtures.priceChanges(100, 10), BulkPolicy.ABORT_ALL));
        assertThat(abort.keys()).containsExactlyElementsOf(STALE);
        assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);

        BulkResult result = items.updateAll(BulkFixtures.priceChanges(100, 10), BulkPolicy.SKIP_CONFLICTS);

        assertThat(result.conflictKeys()).containsExactlyElementsOf(STALE);
        assertThat(result.saved()).hasSize(93).allSatisfy(i -> assertThat(i.version()).isEqualTo(2));
        BulkFixtures.assertGridSaved(db, t, 100, STALE, id -> 0, 2);
        assertThat(items.updateAll(List.of(RowChange.of(1, 2L, Map.of("stock", 1))), BulkPolicy.ABORT_ALL)
                .savedVersions()).containsExactly(Map.entry(1L, 3L));
    }
}
