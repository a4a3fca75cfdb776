package io.github.concurrency4j.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.DoNothingTrigger;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * {@link TriggerManager#prove}: a trigger is judged by what an UPDATE does, not by its name or marker, and the probe
 * never leaves anything behind (each test reads the row on a separate connection afterwards).
 */
class TriggerProofTest {
    static String table(TestDatabase db, boolean withRow) {
        String t = db.createTable("proof", "id " + db.keyType() + " PRIMARY KEY, owner VARCHAR(100), "
                + "version BIGINT NOT NULL");
        if (withRow) {
            db.execute("INSERT INTO " + t + " (id, owner, version) VALUES (7, 'ada', 1)");
        }
        return t;
    }

    /** Read on a connection of its own, after the probe's transaction is over. */
    static Map<String, Object> row(TestDatabase db, String table) throws SQLException {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, owner, version FROM " + table)) {
            assertThat(rs.next()).isTrue();
            Map<String, Object> row = Map.of("id", rs.getLong(1), "owner", rs.getString(2), "version", rs.getLong(3));
            assertThat(rs.next()).as("one row").isFalse();
            return row;
        }
    }

    @AllDatabases
    void aWorkingTriggerIsProvedAndTheProbeLeavesTheRowAsItWas(TestDatabase db) throws SQLException {
        String t = table(db, true);
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        TriggerTarget target = TriggerTarget.of(t, "version");
        triggers.create(target);
        try {
            assertThat(triggers.prove(target)).isEqualTo(TriggerProof.BUMPS_VERSION);
            assertThat(triggers.prove(target)).as("again: the first probe was rolled back")
                    .isEqualTo(TriggerProof.BUMPS_VERSION);
            assertThat(row(db, t)).isEqualTo(Map.of("id", 7L, "owner", "ada", "version", 1L));
        } finally {
            triggers.drop(target);
        }
    }

    @AllDatabases
    void aDoNothingTriggerCarryingOurMarkerPassesCheckButNotTheProof(TestDatabase db) throws SQLException {
        String t = table(db, true);
        String name = "fake_" + t;
        for (String sql : DoNothingTrigger.statements(db.name(), name, t)) {
            db.execute(sql);
        }
        try {
            TriggerManager triggers = TriggerManager.of(db.dataSource());
            TriggerTarget target = TriggerTarget.of(t, "version");
            assertThat(triggers.check(List.of(target))).as("listed as ours by its marker").isEmpty();

            assertThat(triggers.prove(target)).isEqualTo(TriggerProof.VERSION_UNCHANGED);
            assertThat(row(db, t)).isEqualTo(Map.of("id", 7L, "owner", "ada", "version", 1L));
        } finally {
            db.execute(DoNothingTrigger.drop(db.name(), name, t).toArray(String[]::new));
        }
    }

    @AllDatabases
    void withoutATriggerTheVersionStays(TestDatabase db) throws SQLException {
        String t = table(db, true);
        assertThat(TriggerManager.of(db.dataSource()).prove(TriggerTarget.of(t, "version")))
                .isEqualTo(TriggerProof.VERSION_UNCHANGED);
        assertThat(row(db, t)).containsEntry("version", 1L);
    }

    @AllDatabases
    void anEmptyTableOrOneWithoutPrimaryKeyCannotBeProved(TestDatabase db) {
        String empty = table(db, false);
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        triggers.create(TriggerTarget.of(empty, "version"));
        try {
            assertThat(triggers.prove(TriggerTarget.of(empty, "version"))).isEqualTo(TriggerProof.NO_ROW);
        } finally {
            triggers.drop(TriggerTarget.of(empty, "version"));
        }
        String keyless = db.createTable("proof_nokey", "name VARCHAR(10), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + keyless + " (name, version) VALUES ('x', 1)");
        assertThat(triggers.prove(TriggerTarget.of(keyless, "version"))).isEqualTo(TriggerProof.NO_PRIMARY_KEY);
        assertThat(db.queryLong("SELECT version FROM " + keyless)).isEqualTo(1);
    }
}
