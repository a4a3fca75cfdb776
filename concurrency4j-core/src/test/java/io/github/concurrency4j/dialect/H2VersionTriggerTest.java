package io.github.concurrency4j.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.DropTablesAfterEach;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropTablesAfterEach.class)
class H2VersionTriggerTest {

    @Test
    void theDialectNamesTheShippedTriggerClass() {
        // H2 databases store this name: renaming the class would break every H2 trigger already created.
        assertThat(H2Dialect.TRIGGER_CLASS).isEqualTo(H2VersionTrigger.class.getName());
    }

    @Test
    void theTriggerKeepsBumpingTheRightColumnAfterAlterTable() {
        TestDatabase h2 = TestDatabases.named("h2");
        String t = h2.createTable("altered", "id BIGINT PRIMARY KEY, note VARCHAR(10), version INT NOT NULL");
        h2.execute("INSERT INTO " + t + " (id, note, version) VALUES (1, 'a', 1)");
        TriggerManager triggers = TriggerManager.of(h2.dataSource());
        triggers.create(TriggerTarget.of(t, "version"));

        h2.execute("UPDATE " + t + " SET note = 'b'");
        assertThat(h2.queryLong("SELECT version FROM " + t)).isEqualTo(2);

        // H2 copies the table for these; the trigger is re-created under a temporary name and the columns move.
        h2.execute("ALTER TABLE " + t + " ADD COLUMN extra INT", "ALTER TABLE " + t + " DROP COLUMN note");
        h2.execute("UPDATE " + t + " SET extra = 1");
        assertThat(h2.queryLong("SELECT version FROM " + t)).isEqualTo(3);
        assertThat(triggers.find(TriggerTarget.of(t, "version"))).isPresent();
        triggers.drop(TriggerTarget.of(t, "version"));
    }
}
