package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two JVMs, four threads each, increment one counter through {@code concurrency.retry}: the multi-instance claim.
 * Whatever the interleaving, the counter ends at exactly the number of increments that reported success.
 */
class RetryAcrossProcessesTest {
    private static final int PROCESSES = 2;
    private static final int THREADS = 4;
    private static final int INCREMENTS = 40;
    private static final Pattern RESULT = Pattern.compile("successes=(\\d+) exhausted=(\\d+) attempts=(\\d+)");

    @ServerDatabases
    void twoProcessesOfFourThreadsLoseNoIncrement(TestDatabase db) throws Exception {
        String t = db.createTable("counter", "id " + db.keyType() + " PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, hits, version) VALUES (1, 0, 1)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        List<Process> children = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        List<Path> errors = new ArrayList<>();
        try {
            for (int p = 0; p < PROCESSES; p++) {
                Path err = Files.createTempFile("counter-main-", ".err");
                errors.add(err);
                Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        CounterMain.class.getName(), db.name(), t, String.valueOf(THREADS), String.valueOf(INCREMENTS))
                        .redirectError(err.toFile())
                        .start();
                children.add(child);
                outputs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (int p = 0; p < PROCESSES; p++) {
                assertThat(outputs.get(p).readLine()).as("child %d starts (stderr: %s)", p, errors.get(p))
                        .isEqualTo("READY");
            }
            // Both start together, so that their threads really contend.
            for (Process child : children) {
                Writer go = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
                go.write("GO\n");
                go.flush();
            }
            long successes = 0;
            long exhausted = 0;
            long attempts = 0;
            for (int p = 0; p < PROCESSES; p++) {
                Process child = children.get(p);
                assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("child %d finishes in time", p).isTrue();
                assertThat(child.exitValue()).as("child %d exit (stderr: %s)", p, Files.readString(errors.get(p)))
                        .isZero();
                String line = outputs.get(p).readLine();
                Matcher m = RESULT.matcher(String.valueOf(line));
                assertThat(m.matches()).as("child %d reports its counts: %s", p, line).isTrue();
                successes += Long.parseLong(m.group(1));
                exhausted += Long.parseLong(m.group(2));
                attempts += Long.parseLong(m.group(3));
            }

            long hits = db.queryLong("SELECT hits FROM " + t + " WHERE id = 1");
            long version = db.queryLong("SELECT version FROM " + t + " WHERE id = 1");
            assertThat(hits).as("the counter equals the successful increments").isEqualTo(successes);
            assertThat(version).isEqualTo(1 + successes);
            assertThat(successes + exhausted).isEqualTo((long) PROCESSES * THREADS * INCREMENTS);
            assertThat(successes).isPositive();
            assertThat(attempts).as("eight writers on one row must have lost races, or nothing was tested")
                    .isGreaterThan(successes + exhausted);
        } finally {
            for (Process child : children) {
                child.destroyForcibly();
            }
            for (Path err : errors) {
                File f = err.toFile();
                if (!f.delete()) {
                    f.deleteOnExit();
                }
            }
        }
    }
}
