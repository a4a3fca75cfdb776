package io.github.concurrency4j.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerManagerTest {

    static String table(TestDatabase db) {
        String t = db.createTable("account", "id " + db.keyType() + " PRIMARY KEY, owner VARCHAR(100), "
                + "balance INT, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, owner, balance, version) VALUES (1, 'ada', 10, 1)");
        return t;
    }

    static long externalUpdateAndReadVersion(TestDatabase db, String table) throws SQLException {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET balance = balance + 1 WHERE id = 1");
            try (var rs = s.executeQuery("SELECT version FROM " + table + " WHERE id = 1")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @AllDatabases
    void createIsIdempotentAndTheTriggerIsListedUnderItsDefaultName(TestDatabase db) throws SQLException {
        String t = table(db);
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        TriggerTarget target = TriggerTarget.of(t, "version");

        assertThat(triggers.create(target)).isTrue();
        assertThat(triggers.create(target)).isFalse();

        List<VersionTrigger> mine = triggers.list().stream().filter(x -> x.table().equalsIgnoreCase(t)).toList();
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).name()).isEqualTo("concurrency_" + t + "_version");
        assertThat(mine.get(0).versionColumn()).isEqualToIgnoringCase("version");
        assertThat(externalUpdateAndReadVersion(db, t)).isEqualTo(2);
        triggers.drop(target);
    }

    @AllDatabases
    void listShowsOnlyConcurrency4jTriggers(TestDatabase db) throws SQLException {
        String t = table(db);
        String foreign = "audit_" + t;
        db.execute(foreignTrigger(db, foreign, t));
        try {
            TriggerManager triggers = TriggerManager.of(db.dataSource());
            triggers.create(TriggerTarget.of(t, "version"));

            List<String> names = triggers.list().stream().map(VersionTrigger::name).toList();
            assertThat(names).contains("concurrency_" + t + "_version").doesNotContain(foreign);
            // A foreign trigger is not ours to drop, even when named explicitly.
            assertThat(triggers.drop(TriggerTarget.of(t, "version").withTriggerName(foreign))).isFalse();
            assertThat(triggers.drop(TriggerTarget.of(t, "version"))).isTrue();
            assertThat(triggers.list()).noneMatch(x -> x.table().equalsIgnoreCase(t));
        } finally {
            if (db.name().equals("postgresql")) {
                db.execute("DROP TRIGGER IF EXISTS " + foreign + " ON " + t, "DROP FUNCTION IF EXISTS " + foreign + "()");
            }
        }
    }

    private static String[] foreignTriggerStatements(TestDatabase db, String name, String table) {
        switch (db.name()) {
            case "postgresql":
                return new String[] {"CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN RETURN NEW; END $$",
                        "CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                                + name + "()"};
            case "mariadb":
                return new String[] {"CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table
                        + " FOR EACH ROW SET NEW.owner = NEW.owner"};
            case "sqlite":
                return new String[] {"CREATE TRIGGER " + name + " AFTER UPDATE ON " + table + " BEGIN SELECT 1; END"};
            default:
                return new String[] {"CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table + " FOR EACH ROW CALL '"
                        + ForeignH2Trigger.class.getName() + "'"};
        }
    }

    private static String foreignTrigger(TestDatabase db, String name, String table) {
        String[] statements = foreignTriggerStatements(db, name, table);
        for (int i = 0; i < statements.length - 1; i++) {
            db.execute(statements[i]);
        }
        return statements[statements.length - 1];
    }

    @AllDatabases
    void dropRemovesTheTriggerAndWhatCameWithIt(TestDatabase db) throws SQLException {
        String t = table(db);
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        TriggerTarget target = TriggerTarget.of(t, "version");
        triggers.create(target);
        String name = triggers.triggerName(target);

        assertThat(triggers.drop(target)).isTrue();
        assertThat(triggers.drop(target)).isFalse();
        assertThat(triggers.find(target)).isEmpty();
        assertThat(externalUpdateAndReadVersion(db, t)).as("no trigger, no bump").isEqualTo(1);
        if (db.name().equals("postgresql")) {
            assertThat(db.queryLong("SELECT COUNT(*) FROM pg_proc WHERE proname = '" + name + "'")).isZero();
        }
        if (db.name().equals("h2")) {
            assertThat(db.queryLong("SELECT COUNT(*) FROM INFORMATION_SCHEMA.CONSTANTS WHERE CONSTANT_NAME = '"
                    + name + "'")).isZero();
        }
        // And it can come back.
        assertThat(triggers.create(target)).isTrue();
        assertThat(externalUpdateAndReadVersion(db, t)).isEqualTo(2);
        triggers.drop(target);
    }

    @AllDatabases
    void checkNamesTheDeclaredTablesThatLackTheirTrigger(TestDatabase db) {
        String t = table(db);
        String plain = table(db);
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.trigger()))
                .table(plain)
                .triggers(TriggerSettings.ofDefaults().withCheck(TriggerSettings.CheckMode.OFF))
                .build();

        assertThat(c.triggers().check()).containsExactly(TriggerTarget.of(t, "version"));
        assertThat(c.triggers().createMissing()).containsExactly(TriggerTarget.of(t, "version"));
        assertThat(c.triggers().check()).isEmpty();
        assertThat(c.triggers().createMissing()).isEmpty();
        c.triggers().drop(TriggerTarget.of(t, "version"));
    }

    @AllDatabases
    void failModeRefusesToBuildNamingTheTriggerAndTheCommand(TestDatabase db) {
        String t = table(db);
        String expectedName = TriggerTarget.of(t, "version").triggerName(Integer.MAX_VALUE);

        assertThatThrownBy(() -> Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.trigger()))
                .build())
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("trigger " + expectedName + " on " + t + "(version)")
                .hasMessageContaining("concurrency4j triggers create")
                .hasMessageContaining("--table " + t + ":version");
    }

    @AllDatabases
    void warnModeBuildsAndAutoCreateMakesTheTableSafe(TestDatabase db) throws SQLException {
        String t = table(db);
        Concurrency warned = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withCheck(TriggerSettings.CheckMode.WARN))
                .build();
        assertThat(warned.triggers().check()).hasSize(1);

        Concurrency created = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                .build();
        assertThat(created.triggers().check()).isEmpty();
        assertThat(externalUpdateAndReadVersion(db, t)).isEqualTo(2);
        assertThat(created.table(t).update(1, 2L, Map.of("owner", "bob"))).isEqualTo(3);
        created.triggers().drop(TriggerTarget.of(t, "version"));
    }

    @AllDatabases
    void aSixtyCharacterTableGetsAValidStableTriggerName(TestDatabase db) throws SQLException {
        String unique = Long.toString(System.nanoTime(), 36);
        String t = pad("long_" + unique + "_", 60, 'a');
        String sibling = pad("long_" + unique + "_", 60, 'b');
        assertThat(t).hasSize(60);
        for (String name : List.of(t, sibling)) {
            db.execute("CREATE TABLE " + name + " (id " + db.keyType() + " PRIMARY KEY, version BIGINT NOT NULL, "
                    + "note VARCHAR(10))", "INSERT INTO " + name + " (id, version, note) VALUES (1, 1, 'x')");
        }
        try {
            TriggerManager triggers = TriggerManager.of(db.dataSource());
            int limit = triggers.dialect().maxIdentifierLength();
            String name = triggers.triggerName(TriggerTarget.of(t, "version"));
            String siblingName = triggers.triggerName(TriggerTarget.of(sibling, "version"));

            assertThat(name.length()).isLessThanOrEqualTo(limit);
            assertThat(name).matches("[a-z0-9_]+").startsWith("concurrency_long_");
            assertThat(siblingName).isNotEqualTo(name);
            // Stable: the same name from a fresh manager, and a second create finds the trigger.
            assertThat(TriggerManager.of(db.dataSource()).triggerName(TriggerTarget.of(t.toUpperCase(), "VERSION")))
                    .isEqualTo(name);
            assertThat(triggers.create(TriggerTarget.of(t, "version"))).isTrue();
            assertThat(triggers.create(TriggerTarget.of(sibling, "version"))).isTrue();
            assertThat(triggers.create(TriggerTarget.of(t, "version"))).isFalse();
            assertThat(triggers.list()).extracting(VersionTrigger::name).contains(name, siblingName);
            try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET note = 'y'");
                try (var rs = s.executeQuery("SELECT version FROM " + t)) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(2);
                }
            }
            assertThat(triggers.drop(TriggerTarget.of(t, "version"))).isTrue();
            assertThat(triggers.drop(TriggerTarget.of(sibling, "version"))).isTrue();
        } finally {
            db.execute("DROP TABLE IF EXISTS " + t, "DROP TABLE IF EXISTS " + sibling);
        }
    }

    @ServerDatabases
    void aSixtyCharacterTableNameIsShortenedToTheServersLimit(TestDatabase db) {
        String t = pad("t_", 60, 'x');
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        // PostgreSQL allows 63 characters, MySQL/MariaDB 64: the shortened name uses all of them.
        assertThat(triggers.triggerName(TriggerTarget.of(t, "version")))
                .hasSize(db.name().equals("postgresql") ? 63 : 64);
    }

    @AllDatabases
    void aCustomNameIsUsedListedAndDropped(TestDatabase db) {
        String t = table(db);
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        TriggerTarget custom = TriggerTarget.of(t, "version").withTriggerName("bump_" + t);

        assertThat(triggers.create(custom)).isTrue();
        assertThat(triggers.find(TriggerTarget.of(t, "version")).orElseThrow().name()).isEqualTo("bump_" + t);
        // The column is versioned already: no second trigger under the default name.
        assertThat(triggers.create(TriggerTarget.of(t, "version"))).isFalse();
        assertThat(triggers.drop(custom)).isTrue();
        assertThat(triggers.list()).noneMatch(x -> x.table().equalsIgnoreCase(t));
    }

    @AllDatabases
    void anUnknownTableOrColumnIsAClearError(TestDatabase db) {
        String t = table(db);
        TriggerManager triggers = TriggerManager.of(db.dataSource());

        assertThatThrownBy(() -> triggers.create(TriggerTarget.of("no_such_table", "version")))
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("Table 'no_such_table' does not exist");
        assertThatThrownBy(() -> triggers.create(TriggerTarget.of(t, "revision")))
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("has no column 'revision'")
                .hasMessageContaining("version");
        assertThat(triggers.list()).noneMatch(x -> x.table().equalsIgnoreCase(t));
    }

    @Test
    void sqliteFindsTheRowOfAWithoutRowidTableByItsPrimaryKey() throws SQLException {
        TestDatabase sqlite = TestDatabases.named("sqlite");
        String t = "norowid_" + Long.toString(System.nanoTime(), 36);
        sqlite.execute("CREATE TABLE " + t + " (code TEXT PRIMARY KEY, note TEXT, version INTEGER NOT NULL) WITHOUT ROWID",
                "INSERT INTO " + t + " (code, note, version) VALUES ('a', 'x', 1), ('b', 'y', 1)");
        try {
            TriggerManager triggers = TriggerManager.of(sqlite.dataSource());
            assertThat(triggers.create(TriggerTarget.of(t, "version"))).isTrue();

            sqlite.execute("UPDATE " + t + " SET note = 'z' WHERE code = 'a'");
            assertThat(sqlite.queryLong("SELECT version FROM " + t + " WHERE code = 'a'")).isEqualTo(2);
            assertThat(sqlite.queryLong("SELECT version FROM " + t + " WHERE code = 'b'")).isEqualTo(1);
        } finally {
            sqlite.execute("DROP TABLE IF EXISTS " + t);
        }
    }

    private static String pad(String s, int length, char fill) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < length) {
            b.append(fill);
        }
        return b.toString();
    }
}
