package io.github.concurrency4j.cli;

import static io.github.concurrency4j.cli.TriggersCommandIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.cli.TriggersCommandIT.Run;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure mode of the command, run as a user runs it (the jar in a subprocess), with and without
 * {@code --verbose}, with a password in each form a JDBC URL or the command line can hold: the password appears
 * nowhere in what the command prints, on either stream, stack traces included.
 */
class PasswordNeverPrintedIT {
    /** Unlikely to appear by chance, and with the characters that cut masking short before: ';', '@', '&'. */
    private static final String SECRET = "Pw9;c4j@SECRET&x";
    /** The part after the first ';', which a mask that stops there printed. */
    private static final String TAIL = "c4j@SECRET";
    private static final String ENCODED = "Pw9%3Bc4j%40SECRET%26x";
    /** In {@code ;KEY=value} property syntax a ';' ends the value: the password there has none. */
    private static final String PROPERTY_SECRET = "Pw9-c4j@SECRET&x";

    record Case(String name, Map<String, String> env, List<String> args) {
    }

    static List<Case> cases(Path dir) throws Exception {
        Path file = dir.resolve("password.txt");
        Files.writeString(file, SECRET + "\n");
        Map<String, String> env = Map.of("C4J_PW", SECRET);
        String h2File = "jdbc:h2:file:" + dir.resolve("shop") + ";USER=sa;PASSWORD=" + PROPERTY_SECRET;
        try (Connection c = DriverManager.getConnection(h2File); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS product (id BIGINT PRIMARY KEY, version BIGINT NOT NULL)");
        }
        return List.of(
                // No driver for the scheme: DriverManager names the whole URL in its message.
                new Case("bad scheme, query password", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:postgres://127.0.0.1:5432/concurrency4j_test?user=postgres&password=" + SECRET)),
                new Case("bad scheme, userinfo", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:nosuch://root:" + SECRET + "@127.0.0.1:3306/db")),
                new Case("bad scheme, property syntax", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:nosuch:mem:x;USER=sa;PASSWORD=" + PROPERTY_SECRET)),
                new Case("bad scheme, percent-encoded", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:postgres://127.0.0.1/db?pwd=" + ENCODED)),
                // Nothing listens on port 1.
                new Case("unreachable postgresql", Map.of(), List.of("triggers", "check", "--url",
                        "jdbc:postgresql://127.0.0.1:1/db?user=postgres&password=" + SECRET, "--table", "t")),
                new Case("unreachable mariadb, userinfo", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:mariadb://root:" + SECRET + "@127.0.0.1:1/db")),
                new Case("unreachable h2 server", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:h2:tcp://127.0.0.1:1/db;USER=sa;PASSWORD=" + SECRET)),
                // The password is wrong: MariaDB refuses it.
                new Case("wrong password in the url", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test?user=root&password=" + SECRET)),
                new Case("wrong password from a variable", env, List.of("triggers", "list", "--url",
                        "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test", "--user", "root",
                        "--password-env", "C4J_PW")),
                new Case("wrong password from a file", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test", "--user", "root",
                        "--password-file", file.toString())),
                new Case("wrong password, mixed-case key", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test?user=root&PassWord=" + SECRET)),
                // Connected (H2 in memory takes the password it is given), then the table is unknown.
                new Case("unknown table", Map.of(), List.of("triggers", "create", "--url",
                        "jdbc:h2:mem:pw;USER=sa;PASSWORD=" + PROPERTY_SECRET, "--table", "no_such_table")),
                // Connected, the table exists without its trigger: exit 1, and the hint repeats the URL.
                new Case("missing trigger, hint with the url", Map.of(), List.of("triggers", "check", "--url",
                        h2File, "--table", "product")),
                new Case("missing variable", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:h2:mem:pw;PASSWORD=" + PROPERTY_SECRET, "--password-env", "C4J_SURELY_UNSET_PW")),
                new Case("missing password file", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:h2:mem:pw;PASSWORD=" + PROPERTY_SECRET, "--password-file", dir.resolve("absent").toString())),
                // Usage errors: picocli repeats what it could not parse.
                new Case("unknown option carrying the password", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:h2:mem:pw", "--password=" + SECRET)),
                new Case("stray argument after the url", Map.of(), List.of("triggers", "list", "--url",
                        "jdbc:postgresql://127.0.0.1:1/db?password=" + SECRET, "extra")));
    }

    @Test
    void noFailureModePrintsThePasswordWithOrWithoutVerbose(@TempDir Path dir) throws Exception {
        List<String> leaks = new ArrayList<>();
        int runs = 0;
        for (Case c : cases(dir)) {
            for (boolean verbose : new boolean[] {false, true}) {
                List<String> args = new ArrayList<>(c.args());
                if (verbose) {
                    args.add("--verbose");
                }
                Run run = cli(c.env(), args.toArray(String[]::new));
                runs++;
                assertThat(run.exitCode()).as("%s%s: a failure; stderr: %s", c.name(), verbose ? " --verbose" : "",
                        run.err()).isNotZero();
                if (run.exitCode() == Main.EXIT_ERROR) {
                    assertThat(run.err()).as(c.name()).startsWith("error: ");
                }
                for (String stream : List.of(run.out(), run.err())) {
                    for (String secret : List.of(SECRET, TAIL, ENCODED, PROPERTY_SECRET, "SECRET")) {
                        if (stream.contains(secret)) {
                            leaks.add(c.name() + (verbose ? " --verbose" : "") + " printed '" + secret + "':\n"
                                    + stream);
                        }
                    }
                }
            }
        }
        assertThat(runs).isEqualTo(2 * cases(dir).size());
        assertThat(leaks).as("runs that printed the password").isEmpty();
    }
}
