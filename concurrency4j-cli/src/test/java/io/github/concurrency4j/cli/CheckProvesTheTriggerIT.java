package io.github.concurrency4j.cli;

import static io.github.concurrency4j.cli.TriggersCommandIT.cli;
import static io.github.concurrency4j.cli.TriggersCommandIT.triggers;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.cli.TriggersCommandIT.Run;
import io.github.concurrency4j.testing.DoNothingTrigger;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triggers check} proves that a trigger bumps the version, by a probe UPDATE that is rolled back: a
 * do-nothing trigger carrying our marker is "broken" (exit 1), an empty table "unproven" (exit 3), and the probe
 * leaves every row as it was (read on a connection of its own after each run).
 */
class CheckProvesTheTriggerIT {

    /** The row's name and version, read after the command ended. */
    static String row(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, version FROM " + table + " WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1) + " v" + rs.getLong(2);
        }
    }

    @ServerDatabases
    void checkProvesAWorkingTriggerRefusesADoNothingOneAndLeavesNoChange(TestDatabase db) throws Exception {
        String t = TriggersCommandIT.table(db);
        assertThat(triggers(db, "create", "--table", t).exitCode()).isZero();

        Run ok = triggers(db, "check", "--table", t);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("ok       " + t + "(version): concurrency_" + t + "_version bumps the version");
        try (Connection c = db.rawConnection()) {
            assertThat(row(c, t)).isEqualTo("a v1");
        }

        assertThat(triggers(db, "drop", "--table", t).exitCode()).isZero();
        String fake = "fake_" + t;
        db.execute(DoNothingTrigger.statements(db.name(), fake, t).toArray(String[]::new));
        try {
            Run broken = triggers(db, "check", "--table", t);
            assertThat(broken.exitCode()).as(broken.out() + broken.err()).isEqualTo(Main.EXIT_MISSING);
            assertThat(broken.out()).contains("broken   " + t + "(version): " + fake,
                    "an UPDATE leaves the version as it was", "triggers drop", "--trigger " + fake);
            assertThat(triggers(db, "check", "--table", t, "--no-probe").exitCode()).isZero();
            try (Connection c = db.rawConnection()) {
                assertThat(row(c, t)).isEqualTo("a v1");
            }
        } finally {
            db.execute(DoNothingTrigger.drop(db.name(), fake, t).toArray(String[]::new));
        }

        String empty = db.createTable("cli_empty", "id " + db.keyType() + " PRIMARY KEY, version BIGINT NOT NULL");
        assertThat(triggers(db, "create", "--table", empty).exitCode()).isZero();
        Run unproven = triggers(db, "check", "--table", empty, "--table", t);
        assertThat(unproven.out()).contains("unproven " + empty + "(version)", "cannot prove: no row")
                .contains("missing  " + t + "(version)");
        assertThat(unproven.exitCode()).as("a missing trigger weighs more than an unproven one")
                .isEqualTo(Main.EXIT_MISSING);
        Run onlyUnproven = triggers(db, "check", "--table", empty);
        assertThat(onlyUnproven.exitCode()).isEqualTo(Main.EXIT_UNPROVEN);
        triggers(db, "drop", "--table", empty);
    }

    @Test
    void theProbeWorksAndLeavesNoChangeOnSqliteAndH2Files(@TempDir Path dir) throws Exception {
        for (String database : List.of("sqlite", "h2")) {
            String url = database.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("shop.db")
                    : "jdbc:h2:file:" + dir.resolve("shop") + ";USER=sa";
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE product (id INTEGER PRIMARY KEY, name VARCHAR(20), version BIGINT NOT NULL)");
                s.execute("INSERT INTO product (id, name, version) VALUES (1, 'apple', 1)");
                s.execute("CREATE TABLE crate (id INTEGER PRIMARY KEY, name VARCHAR(20), version BIGINT NOT NULL)");
                s.execute("INSERT INTO crate (id, name, version) VALUES (1, 'pear', 1)");
                for (String sql : DoNothingTrigger.statements(database, "fake_crate", "crate")) {
                    s.execute(sql);
                }
            }
            assertThat(cli("triggers", "create", "--url", url, "--table", "product").exitCode()).isZero();

            Run ok = cli("triggers", "check", "--url", url, "--table", "product");
            assertThat(ok.exitCode()).as(database + ": " + ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("bumps the version (probe UPDATE rolled back)");
            Run broken = cli("triggers", "check", "--url", url, "--table", "crate");
            assertThat(broken.exitCode()).as(database + ": " + broken.out() + broken.err()).isEqualTo(1);
            assertThat(broken.out()).containsIgnoringCase("broken   crate(version): fake_crate");

            try (Connection c = DriverManager.getConnection(url)) {
                assertThat(row(c, "product")).as(database).isEqualTo("apple v1");
                assertThat(row(c, "crate")).as(database).isEqualTo("pear v1");
            }
        }
    }
}
