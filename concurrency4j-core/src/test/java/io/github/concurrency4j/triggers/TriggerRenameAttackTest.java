package io.github.concurrency4j.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Attack (issue 14): a version trigger installed, then its table renamed (a migration), then installed again, on
 * every database. The trigger follows the table: the renamed table is found protected at startup, a second create
 * changes nothing, a write bumps the version exactly once (a second trigger would bump it twice, and the version the
 * engine derives on MariaDB and SQLite would then be wrong), and a new table under the old name cannot take over the
 * old trigger's name (on PostgreSQL its function): refused with a message naming the trigger, the renamed table still
 * protected.
 */
class TriggerRenameAttackTest {

    @AllDatabases
    void aTriggerFollowsItsRenamedTableAndIsNeverInstalledTwice(TestDatabase db) throws SQLException {
        String old = TriggerManagerTest.table(db);
        String renamed = old + "_r";
        TriggerManager manager = TriggerManager.of(db.dataSource());
        assertThat(manager.create(TriggerTarget.of(old, "version"))).isTrue();
        db.execute("ALTER TABLE " + old + " RENAME TO " + renamed);
        try {
            // Startup with the default check (FAIL): the renamed table has its trigger.
            Concurrency concurrency = Concurrency.builder(db.dataSource())
                    .table(renamed, t -> t.version("version", VersionStrategy.trigger())).build();
            VersionedTable accounts = concurrency.table(renamed);
            assertThat(concurrency.triggers().check()).isEmpty();
            assertThat(concurrency.triggers().create(TriggerTarget.of(renamed, "version"))).isFalse();
            List<VersionTrigger> on = manager.list().stream().filter(x -> x.table().equalsIgnoreCase(renamed))
                    .toList();
            assertThat(on).hasSize(1);

            // One bump per write, the engine's answer equal to the table's.
            assertThat(accounts.update(1, 1L, Map.of("balance", 11))).isEqualTo(2);
            assertThat(db.queryLong("SELECT version FROM " + renamed + " WHERE id = 1")).isEqualTo(2);
            assertThat(TriggerManagerTest.externalUpdateAndReadVersion(db, renamed)).isEqualTo(3);
            assertThatThrownBy(() -> accounts.update(1, 2L, Map.of("balance", 99)))
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryLong("SELECT balance FROM " + renamed + " WHERE id = 1")).isEqualTo(12);

            // A new table under the old name: its default trigger name is the renamed table's trigger's.
            db.execute("CREATE TABLE " + old + " (id " + db.keyType() + " PRIMARY KEY, balance INT, "
                    + "version BIGINT NOT NULL)");
            try {
                assertThatThrownBy(() -> manager.create(TriggerTarget.of(old, "version")))
                        .isInstanceOf(DeclarationException.class)
                        .hasMessageContaining(on.get(0).name()).hasMessageContaining("another trigger name");
                assertThat(manager.create(TriggerTarget.of(old, "version").withTriggerName("c4j_" + old + "_v")))
                        .isTrue();
                // The renamed table's trigger is untouched by all this.
                assertThat(TriggerManagerTest.externalUpdateAndReadVersion(db, renamed)).isEqualTo(4);
                assertThat(accounts.update(1, 4L, Map.of("balance", 20))).isEqualTo(5);
                assertThat(db.queryLong("SELECT version FROM " + renamed + " WHERE id = 1")).isEqualTo(5);
            } finally {
                manager.drop(TriggerTarget.of(old, "version").withTriggerName("c4j_" + old + "_v"));
                db.execute("DROP TABLE " + old);
            }
        } finally {
            manager.drop(TriggerTarget.of(renamed, "version"));
            db.execute("DROP TABLE " + renamed);
        }
    }
}
