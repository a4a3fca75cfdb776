package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trigger table whose trigger is dropped while the application runs (a migration gone wrong, a DBA cleaning up):
 * the startup check and {@code triggers check} catch a missing trigger, nothing does between them. The application's
 * own writes must stay safe without it: each one moves the version itself, reports the version the table holds,
 * and a second user still at the old version is refused. Only writes made outside the application go uncaught.
 * Versions and values are read back on a separate connection.
 */
class MissingTriggerAttackTest {

    /** The table and its trigger, created at startup, then the trigger dropped behind the application's back. */
    private record Setup(String table, Concurrency concurrency, VersionedTable products) {
    }

    private static Setup withTheTriggerDropped(TestDatabase db) throws SQLException {
        Setup s = withTheTrigger(db);
        TriggerManager triggers = s.concurrency.triggers();
        String name = triggers.triggerName(TriggerTarget.of(s.table, "version"));
        try (Connection c = db.rawConnection(); Statement st = c.createStatement()) {
            for (String sql : triggers.dialect().dropVersionTrigger(name, s.table)) {
                st.execute(sql);
            }
        }
        // The drop took: an outside write no longer moves the version.
        TriggerVersionTest.external(db, "UPDATE " + s.table + " SET stock = stock WHERE id = 2");
        assertThat(stored(db, s.table, 2).version).as("outside write without the trigger").isEqualTo(1);
        return s;
    }

    private static Setup withTheTrigger(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = TriggerVersionTest.withTrigger(db.dataSource(), t);
        return new Setup(t, c, c.table(t));
    }

    private record Stored(long version, String name, int price) {
    }

    private static Stored stored(TestDatabase db, String table, long id) throws SQLException {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, name, price FROM " + table + " WHERE id = " + id)) {
            assertThat(rs.next()).isTrue();
            return new Stored(rs.getLong(1), rs.getString(2), rs.getInt(3));
        }
    }

    /** A second user, still at version 1, saves over the first: refused, and the first user's values stay. */
    private static void secondUserAtVersionOneIsRefused(TestDatabase db, Setup s, long id, String firstName,
                                                        long firstVersion) throws SQLException {
        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                () -> s.products.update(id, 1L, Map.of("name", "second user", "price", 99)));
        assertThat(e).as("stale save at version 1 after the first user's save").isNotNull();
        assertThat(e.currentVersion()).hasValue(firstVersion);
        Stored after = stored(db, s.table, id);
        assertThat(after.name).isEqualTo(firstName);
        assertThat(after.version).isEqualTo(firstVersion);
    }

    @AllDatabases
    void aCheckedUpdateWithoutTheTriggerReportsWhatIsStoredAndTheStaleSecondIsRefused(TestDatabase db)
            throws SQLException {
        Setup s = withTheTriggerDropped(db);

        long reported = s.products.update(1, 1L, Map.of("name", "first user", "price", 11));

        Stored row = stored(db, s.table, 1);
        assertThat(row.name).isEqualTo("first user");
        assertThat(row.version).as("stored").isEqualTo(2);
        assertThat(reported).as("reported").isEqualTo(row.version);
        secondUserAtVersionOneIsRefused(db, s, 1, "first user", 2);
    }

    @AllDatabases
    void anEmptyChangeWithoutTheTriggerStillMovesTheVersion(TestDatabase db) throws SQLException {
        Setup s = withTheTriggerDropped(db);

        long reported = s.products.update(1, 1L, Map.of());

        assertThat(stored(db, s.table, 1).version).isEqualTo(2).isEqualTo(reported);
        secondUserAtVersionOneIsRefused(db, s, 1, "apple", 2);
    }

    @AllDatabases
    void aBulkUpdateWithoutTheTriggerReportsWhatIsStoredAndTheStaleSecondIsRefused(TestDatabase db)
            throws SQLException {
        for (BulkPolicy policy : BulkPolicy.values()) {
            Setup s = withTheTriggerDropped(db);

            BulkResult result = s.products.updateAll(List.of(
                    RowChange.of(1, 1L, Map.of("name", "first user", "price", 11)),
                    RowChange.of(2, 1L, Map.of("name", "first user too"))), policy);

            assertThat(result.hasConflicts()).isFalse();
            Map<String, Long> reported = new HashMap<>();
            result.saved().forEach(id -> reported.put(id.key().toString(), id.version()));
            assertThat(stored(db, s.table, 1).version).as(policy + " stored").isEqualTo(2);
            assertThat(stored(db, s.table, 2).version).as(policy + " stored").isEqualTo(2);
            assertThat(reported).as(policy + " reported").isEqualTo(Map.of("1", 2L, "2", 2L));

            BulkResult stale = s.products.updateAll(List.of(
                    RowChange.of(1, 1L, Map.of("name", "second user"))), BulkPolicy.SKIP_CONFLICTS);
            assertThat(stale.saved()).isEmpty();
            assertThat(stale.conflictKeys()).hasSize(1);
            BulkConflictException abort = catchThrowableOfType(BulkConflictException.class,
                    () -> s.products.updateAll(List.of(RowChange.of(2, 1L, Map.of("name", "second user"))),
                            BulkPolicy.ABORT_ALL));
            assertThat(abort).isNotNull();
            assertThat(stored(db, s.table, 1).name).isEqualTo("first user");
            assertThat(stored(db, s.table, 2).name).isEqualTo("first user too");
            secondUserAtVersionOneIsRefused(db, s, 1, "first user", 2);
        }
    }

    @AllDatabases
    void writesThatDoNotIncrementOrAreNotCheckedStillMoveAMissingTriggersVersion(TestDatabase db)
            throws SQLException {
        // docs/triggers.md: disableIncrement scopes and updateWithoutIncrement do not stop trigger versions. With
        // the trigger gone, the engine's own bump keeps that promise, and what it reports is what is stored.
        Setup s = withTheTriggerDropped(db);
        try (DisableScope off = s.concurrency.disableIncrement(s.table)) {
            long reported = s.products.update(1, 1L, Map.of("name", "in a disableIncrement scope"));
            assertThat(stored(db, s.table, 1).version).isEqualTo(2).isEqualTo(reported);
        }
        secondUserAtVersionOneIsRefused(db, s, 1, "in a disableIncrement scope", 2);

        long reported = s.products.updateWithoutIncrement(2, 1L, Map.of("name", "without increment"));
        assertThat(stored(db, s.table, 2).version).isEqualTo(2).isEqualTo(reported);
        secondUserAtVersionOneIsRefused(db, s, 2, "without increment", 2);

        try (DisableScope off = s.concurrency.disable(s.table)) {
            long unchecked = s.products.update(1, null, Map.of("name", "unchecked"));
            assertThat(stored(db, s.table, 1).version).isEqualTo(3).isEqualTo(unchecked);
        }
        secondUserAtVersionOneIsRefused(db, s, 1, "unchecked", 3);

        try (DisableScope off = s.concurrency.disable(s.table)) {
            BulkResult bulk = s.products.updateAll(List.of(RowChange.of(2, 2L, Map.of("name", "bulk unchecked"))));
            assertThat(stored(db, s.table, 2).version).isEqualTo(3)
                    .isEqualTo(bulk.saved().get(0).version());
        }
        secondUserAtVersionOneIsRefused(db, s, 2, "bulk unchecked", 3);
    }

    @AllDatabases
    void aRecordSaveWithoutTheTriggerReportsWhatIsStored(TestDatabase db) throws SQLException {
        Setup s = withTheTriggerDropped(db);
        RecordTable<Product> records = s.products.as(Product.class);

        Product saved = records.update(new Product(1L, "first user", 11, 5, 1L));

        assertThat(stored(db, s.table, 1).version).isEqualTo(2).isEqualTo(saved.version());
        secondUserAtVersionOneIsRefused(db, s, 1, "first user", 2);
    }

    /** A record of the product table. */
    record Product(Long id, String name, int price, int stock, long version) {
    }

    @AllDatabases
    void withTheTriggerAnAppWriteBumpsOnceAndAnOutsideWriteStillBumps(TestDatabase db) throws SQLException {
        Setup s = withTheTrigger(db);

        long v = s.products.update(1, 1L, Map.of("name", "app"));
        assertThat(stored(db, s.table, 1).version).as("one app write").isEqualTo(2).isEqualTo(v);
        try (DisableScope off = s.concurrency.disableIncrement(s.table)) {
            v = s.products.update(1, 2L, Map.of("name", "app, no increment"));
        }
        assertThat(stored(db, s.table, 1).version).isEqualTo(3).isEqualTo(v);
        try (DisableScope off = s.concurrency.disable(s.table)) {
            v = s.products.update(1, null, Map.of("name", "app, unchecked"));
        }
        assertThat(stored(db, s.table, 1).version).isEqualTo(4).isEqualTo(v);
        BulkResult bulk = s.products.updateAll(List.of(RowChange.of(1, 4L, Map.of("name", "app bulk")),
                RowChange.of(2, 1L, Map.of("name", "app bulk"))));
        assertThat(stored(db, s.table, 1).version).as("one bulk write").isEqualTo(5);
        assertThat(stored(db, s.table, 2).version).as("one bulk write").isEqualTo(2);
        Map<String, Long> reported = new HashMap<>();
        bulk.saved().forEach(id -> reported.put(id.key().toString(), id.version()));
        assertThat(reported).isEqualTo(Map.of("1", 5L, "2", 2L));

        TriggerVersionTest.external(db, "UPDATE " + s.table + " SET name = 'outside' WHERE id = 1");
        assertThat(stored(db, s.table, 1).version).as("outside write").isEqualTo(6);
        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                () -> s.products.update(1, 5L, Map.of("name", "stale app write")));
        assertThat(e).isNotNull();
        assertThat(stored(db, s.table, 1).name).isEqualTo("outside");
    }
}
