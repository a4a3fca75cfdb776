package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/** Bulk writes that name no policy follow the configured one (the seed's POLICY setting). */
class BulkPolicyDefaultTest {

    @AllDatabases
    void withoutAPolicyBulkWritesSkipConflictsUnlessConfiguredToAbort(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        db.execute("UPDATE " + t + " SET version = 2 WHERE id = 2");   // row 2 changed since it was shown
        List<RowChange> grid = List.of(RowChange.of(1, 1L, Map.of("price", 5)), RowChange.of(2, 1L, Map.of("price", 5)));

        Concurrency aborting = Concurrency.builder(db.dataSource()).table(t).bulkPolicy(BulkPolicy.ABORT_ALL).build();
        assertThat(aborting.bulkPolicy()).isEqualTo(BulkPolicy.ABORT_ALL);
        BulkConflictException e = catchThrowableOfType(BulkConflictException.class,
                () -> aborting.table(t).updateAll(grid));
        assertThat(e.keys()).containsExactly(2L);
        assertThat(BulkFixtures.version(db, t, 1)).isEqualTo(1);
        catchThrowableOfType(BulkConflictException.class,
                () -> aborting.table(t).deleteAll(List.of(Identity.of(1, 1), Identity.of(2, 1))));
        assertThat(BulkFixtures.count(db, t)).isEqualTo(3);

        Concurrency skipping = Concurrency.builder(db.dataSource()).table(t).build();
        assertThat(skipping.bulkPolicy()).isEqualTo(Concurrency.Builder.DEFAULT_BULK_POLICY)
                .isEqualTo(BulkPolicy.SKIP_CONFLICTS);
        BulkResult result = skipping.table(t).updateAll(grid);
        assertThat(result.savedVersions()).containsOnlyKeys(1L);
        assertThat(result.conflictKeys()).containsExactly(2L);
        assertThat(BulkFixtures.price(db, t, 1)).isEqualTo(5);
    }
}
