package io.github.concurrency4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code concurrency4j} command end to end: the shaded jar run as a subprocess, as a user runs it, against the
 * real PostgreSQL and MariaDB servers (and a SQLite file).
 */
class TriggersCommandIT {

    /** What a run of the command left behind. */
    record Run(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run cli(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("concurrency4j.cli.jar");
        assertThat(jar).as("system property concurrency4j.cli.jar (set by the build)").isNotNull();
        assertThat(Path.of(jar)).as("the shaded jar; run through 'mvn verify'").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command finished").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static Run cli(String... args) throws IOException, InterruptedException {
        return cli(Map.of(), args);
    }

    /** The connection options of a test database; the password travels in an environment variable. */
    static List<String> connect(TestDatabase db) {
        List<String> a = new ArrayList<>(List.of("--url", db.url()));
        if (db.user() != null) {
            a.addAll(List.of("--user", db.user(), "--password-env", "C4J_TEST_PASSWORD"));
        }
        return a;
    }

    static Run triggers(TestDatabase db, String command, String... more) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("triggers", command));
        a.addAll(connect(db));
        a.addAll(List.of(more));
        return cli(Map.of("C4J_TEST_PASSWORD", db.password() == null ? "" : db.password()), a.toArray(String[]::new));
    }

    static String table(TestDatabase db) {
        String t = db.createTable("cli", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(50), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, version) VALUES (1, 'a', 1)");
        return t;
    }

    static long externalUpdateAndReadVersion(TestDatabase db, String table) throws SQLException {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET name = 'changed in psql' WHERE id = 1");
            try (var rs = s.executeQuery("SELECT version FROM " + table + " WHERE id = 1")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void assertReadableError(Run run, String... fragments) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.errLines()).as("one readable line, no stack trace").hasSize(1);
        assertThat(run.err()).startsWith("error: ").contains(fragments).doesNotContain("\tat ", "Exception");
    }

    /** A usage error: exit 2, the problem on the first line, where to find the usage on the second. */
    static void assertUsageError(Run run, String... fragments) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).startsWith("error: ").contains(fragments);
        assertThat(run.errLines().get(1)).contains("--help");
    }

    @ServerDatabases
    void checkCreateListDropCheckRoundTrip(TestDatabase db) throws Exception {
        String t = table(db);
        String name = "concurrency_" + t + "_version";

        Run missing = triggers(db, "check", "--table", t);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).contains("missing  " + t + "(version)", "concurrency4j triggers create", "--table " + t + ":version");

        Run created = triggers(db, "create", "--table", t + ":version");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("created  " + name + " on " + t + "(version)");
        Run again = triggers(db, "create", "--table", t);
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("exists   " + name);

        Run list = triggers(db, "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).containsPattern(name + " +" + t + "\\(version\\)");
        assertThat(triggers(db, "check", "--table", t).exitCode()).isZero();
        assertThat(externalUpdateAndReadVersion(db, t)).as("the created trigger bumps external writes").isEqualTo(2);

        Run dropped = triggers(db, "drop", "--table", t);
        assertThat(dropped.exitCode()).isZero();
        assertThat(dropped.out()).contains("dropped  " + name);
        assertThat(triggers(db, "list", "--table", t).out()).contains("No concurrency4j triggers").doesNotContain(name);
        assertThat(triggers(db, "check", "--table", t).exitCode()).isEqualTo(1);
        assertThat(externalUpdateAndReadVersion(db, t)).isEqualTo(2);
        assertThat(triggers(db, "drop", "--table", t).out()).contains("absent");
    }

    @ServerDatabases
    void aCustomTriggerNameIsUsed(TestDatabase db) throws Exception {
        String t = table(db);
        Run created = triggers(db, "create", "--table", t, "--trigger", "bump_" + t);
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(triggers(db, "list", "--table", t).out()).contains("bump_" + t);
        assertThat(triggers(db, "drop", "--table", t, "--trigger", "bump_" + t).out()).contains("dropped  bump_" + t);
        // One name for two tables cannot be: a usage error.
        assertUsageError(triggers(db, "create", "--table", t, "--table", "other", "--trigger", "x"),
                "--trigger names one trigger");
    }

    /**
     * The seed's {@code ./manage.py triggers drop} (test_command.py::test_command_drop, test_triggers.py::
     * test_drop_triggers) drops every trigger it manages without naming them: here {@code drop --all}, which drops
     * what {@code list} shows, under any name. External writes then leave the version as it is. Naming neither
     * tables nor {@code --all}, or both, is a usage error that drops nothing.
     */
    @ServerDatabases
    void dropAllDropsEveryListedTriggerWhateverItsNameAndNothingElseWithoutIt(TestDatabase db) throws Exception {
        String plain = table(db);
        String custom = table(db);
        assertThat(triggers(db, "create", "--table", plain).exitCode()).isZero();
        assertThat(triggers(db, "create", "--table", custom, "--trigger", "bump_" + custom).exitCode()).isZero();

        assertUsageError(triggers(db, "drop"), "--table", "--all");
        assertUsageError(triggers(db, "drop", "--all", "--table", plain), "--table", "--all");
        assertThat(triggers(db, "list", "--table", plain, "--table", custom).out())
                .contains("concurrency_" + plain + "_version", "bump_" + custom);

        Run dropped = triggers(db, "drop", "--all");
        assertThat(dropped.exitCode()).as(dropped.err()).isZero();
        assertThat(dropped.out()).contains("dropped  concurrency_" + plain + "_version on " + plain + "(version)",
                "dropped  bump_" + custom + " on " + custom + "(version)");
        assertThat(triggers(db, "list").out()).doesNotContain(plain, custom);
        assertThat(externalUpdateAndReadVersion(db, plain)).isEqualTo(1);
        assertThat(externalUpdateAndReadVersion(db, custom)).isEqualTo(1);
    }

    @ServerDatabases
    void anUnknownTableIsAReadableError(TestDatabase db) throws Exception {
        assertReadableError(triggers(db, "create", "--table", "no_such_table_here"),
                "Table 'no_such_table_here' does not exist");
        assertReadableError(triggers(db, "check", "--table", "no_such_table_here:version"),
                "no_such_table_here");
    }

    @ServerDatabases
    void aSixtyCharacterTableGetsAValidStableTriggerName(TestDatabase db) throws Exception {
        String t = ("cli_long_" + Long.toString(System.nanoTime(), 36) + "_" + "x".repeat(60)).substring(0, 60);
        db.execute("CREATE TABLE " + t + " (id " + db.keyType() + " PRIMARY KEY, name VARCHAR(50), version BIGINT NOT NULL)",
                "INSERT INTO " + t + " (id, name, version) VALUES (1, 'a', 1)");
        try {
            Run created = triggers(db, "create", "--table", t);
            assertThat(created.exitCode()).as(created.err()).isZero();
            String name = created.out().strip().split(" +")[1];
            int limit = db.name().equals("postgresql") ? 63 : 64;
            assertThat(name).hasSize(limit).startsWith("concurrency_cli_long_").matches("[a-z0-9_]+_[0-9a-f]{8}");
            // Stable: the next run computes the same name and finds the trigger under it.
            assertThat(triggers(db, "create", "--table", t).out()).contains("exists   " + name);
            assertThat(triggers(db, "list", "--table", t).out()).contains(name);
            assertThat(externalUpdateAndReadVersion(db, t)).isEqualTo(2);
            Run dropped = triggers(db, "drop", "--table", t);
            assertThat(dropped.out()).as(dropped.err()).contains("dropped  " + name);
        } finally {
            db.execute("DROP TABLE IF EXISTS " + t);
        }
    }

    @ServerDatabases
    void aConnectionErrorIsOneReadableLineAndVerboseAddsTheStackTrace(TestDatabase db) throws Exception {
        Run failed;
        String expected;
        if (db.name().equals("mariadb")) {
            failed = cli(Map.of("C4J_WRONG", "not-the-password"), "triggers", "list", "--url", db.url(),
                    "--user", db.user(), "--password-env", "C4J_WRONG");
            expected = "Access denied";
            Path file = Files.createTempFile("c4j-password", ".txt");
            try {
                Files.writeString(file, "not-the-password\n");
                Run fromFile = cli("triggers", "list", "--url", db.url(), "--user", db.user(), "--password-file",
                        file.toString());
                assertReadableError(fromFile, "Could not connect to", "Access denied");
            } finally {
                Files.delete(file);
            }
        } else {
            // The PostgreSQL of the test machine trusts every local user: a database that does not exist is the
            // connection error to provoke.
            String url = db.url().replaceAll("/[^/?]+(\\?.*)?$", "/no_such_database_c4j");
            failed = cli("triggers", "list", "--url", url, "--user", db.user());
            expected = "does not exist";
        }
        assertReadableError(failed, "Could not connect to", expected);

        Run verbose = cli(Map.of("C4J_WRONG", "not-the-password"), "triggers", "list", "--url",
                db.url().replaceAll("/[^/?]+(\\?.*)?$", "/no_such_database_c4j"), "--user", "no_such_user_c4j",
                "--password-env", "C4J_WRONG", "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(2);
        assertThat(verbose.err()).startsWith("error: Could not connect to").contains("\tat ");
    }

    @Test
    void aPasswordFromAFileIsUsedAndAMissingVariableIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "not-the-password\n");
        Run viaFile = cli("triggers", "list", "--url", "jdbc:mariadb://127.0.0.1:1/none", "--password-file",
                dir.resolve("absent").toString());
        assertReadableError(viaFile, "Cannot read the password file", "no such file");
        Run noVariable = cli(Map.of(), "triggers", "list", "--url", "jdbc:h2:mem:x", "--password-env",
                "C4J_SURELY_UNSET_VARIABLE");
        assertReadableError(noVariable, "C4J_SURELY_UNSET_VARIABLE", "is not set");
        assertUsageError(cli("triggers", "list", "--url", "jdbc:h2:mem:x", "--password-env", "A", "--password-file",
                file.toString()), "mutually exclusive");
    }

    @Test
    void everyCommandHasHelpAndUsageErrorsExitWithTwo() throws Exception {
        for (String command : List.of("list", "create", "drop", "check")) {
            Run help = cli("triggers", command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Usage: concurrency4j triggers " + command, "--url", "--password-env");
        }
        assertThat(cli("--help").out()).contains("triggers");
        assertThat(cli("triggers", "--help").out()).contains("list", "create", "drop", "check", "Exit codes");
        assertUsageError(cli("triggers", "create", "--table", "product"), "Missing required option: '--url=JDBC_URL'");
        assertUsageError(cli("triggers", "create", "--url", "jdbc:h2:mem:x"), "Missing required option", "--table");
        assertReadableError(cli("triggers", "list", "--url", "jdbc:nothing:here"), "No driver for jdbc:nothing:here");
    }

    @Test
    void worksOnASqliteFileToo(@TempDir Path dir) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("shop.db");
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT, version INTEGER NOT NULL)");
            s.execute("INSERT INTO product VALUES (1, 'apple', 1)");
        }
        assertThat(cli("triggers", "create", "--url", url, "--table", "product").out())
                .contains("created  concurrency_product_version");
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA recursive_triggers = ON");
            s.executeUpdate("UPDATE product SET name = 'pear'");
            try (var rs = s.executeQuery("SELECT version FROM product")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
        }
        assertThat(cli("triggers", "check", "--url", url, "--table", "product:version").exitCode()).isZero();
    }
}
