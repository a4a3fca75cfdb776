package io.github.concurrency4j.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.DropTablesAfterEach;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attack (issue 14): a table with the concurrency4j version trigger and a second trigger of its own that also bumps
 * the version, as one left behind by another tool does (django-concurrency's SQLite trigger bumps unconditionally).
 * Each UPDATE then moves the version by 2, while the engine derives the new version as the old one plus 1 where the
 * UPDATE cannot hand back what the trigger wrote (MariaDB, SQLite): every save answers a version the row does not
 * hold, and the user's next save is refused. {@code prove}, which the CLI's {@code check} runs, is the tool meant to
 * catch a trigger that does not version rows as the engine expects: before the fix it answered BUMPS_VERSION for any
 * change, +2 included.
 */
class DoubleBumpTriggerAttackTest {

    private static String[] secondBump(TestDatabase db, String name, String table) {
        return switch (db.name()) {
            case "postgresql" -> new String[] {"CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN NEW.version := NEW.version + 1; RETURN NEW; END $$",
                    // Fires after concurrency4j's trigger: PostgreSQL runs BEFORE triggers in name order.
                    "CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                            + name + "()"};
            case "mariadb" -> new String[] {"CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table
                    + " FOR EACH ROW SET NEW.version = NEW.version + 1"};
            default -> new String[] {"CREATE TRIGGER " + name + " AFTER UPDATE ON " + table
                    + " BEGIN UPDATE " + table + " SET version = version + 1 WHERE id = NEW.id; END"};
        };
    }

    private static void proveRefusesADoubleBump(TestDatabase db) throws SQLException {
        String t = TriggerManagerTest.table(db);
        TriggerManager manager = TriggerManager.of(db.dataSource());
        TriggerTarget target = TriggerTarget.of(t, "version");
        assertThat(manager.create(target)).isTrue();
        assertThat(manager.prove(target)).isEqualTo(TriggerProof.BUMPS_VERSION);
        String second = "zz_" + t;
        db.execute(secondBump(db, second, t));
        try {
            assertThat(TriggerManagerTest.externalUpdateAndReadVersion(db, t)).as("the table now bumps by 2")
                    .isEqualTo(3);

            assertThat(manager.prove(target)).as("a trigger that does not bump by exactly 1 is not proved")
                    .isEqualTo(TriggerProof.BUMPS_BY_OTHER_THAN_ONE);
        } finally {
            db.execute(db.name().equals("postgresql") ? "DROP TRIGGER " + second + " ON " + t : "DROP TRIGGER "
                    + second);
            if (db.name().equals("postgresql")) {
                db.execute("DROP FUNCTION " + second + "()");
            }
            manager.drop(target);
        }
    }

    /** The databases whose triggers are SQL: an H2 trigger is a Java class, and the engine reads H2's back anyway. */
    static Stream<TestDatabase> sqlTriggerDatabases() {
        return TestDatabases.all().stream().filter(db -> !db.name().equals("h2"));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("sqlTriggerDatabases")
    @ExtendWith(DropTablesAfterEach.class)
    void proveRefusesATableWhoseUpdateBumpsTheVersionTwice(TestDatabase db) throws SQLException {
        proveRefusesADoubleBump(db);
    }
}
