package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * Trigger versions: the database bumps the version, so a bulk update learns the new versions by reading them back
 * in its transaction. The triggers are written by hand here, as a DBA or another service would have them.
 */
class BulkTriggerTest {
    private static final List<Long> STALE = List.of(2L, 30L, 31L, 64L, 70L, 88L, 100L);

    private static void createTrigger(TestDatabase db, String t) {
        switch (db.name()) {
            case "postgresql" -> db.execute("CREATE OR REPLACE FUNCTION c4j_test_bump_version() RETURNS trigger AS "
                    + "$$ BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER " + t + "_v BEFORE UPDATE ON " + t
                            + " FOR EACH ROW EXECUTE FUNCTION c4j_test_bump_version()");
            case "mariadb" -> db.execute("CREATE TRIGGER " + t + "_v BEFORE UPDATE ON " + t
                    + " FOR EACH ROW SET NEW.version = OLD.version + 1");
            case "sqlite" -> db.execute("CREATE TRIGGER " + t + "_v AFTER UPDATE ON " + t
                    + " FOR EACH ROW WHEN NEW.version = OLD.version BEGIN UPDATE " + t
                    + " SET version = OLD.version + 1 WHERE id = NEW.id; END");
            case "h2" -> db.execute("CREATE TRIGGER " + t + "_v BEFORE UPDATE ON " + t + " FOR EACH ROW CALL \""
                    + H2VersionBumpTrigger.class.getName() + "\"");
            default -> throw new IllegalArgumentException(db.name());
        }
    }

    @AllDatabases
    void triggerVersionsAreReadBackAndStaleRowsAreStillFound(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 100);
        createTrigger(db, t);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.trigger());
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
