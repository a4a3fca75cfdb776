package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Storms of users in several JVMs ({@link StormMain}) on the same few rows, with single-row updates, updates through
 * {@code retry}, {@code updateAll} under both policies and transactions of the caller's mixed: on the PostgreSQL and
 * MariaDB servers (one process with MariaDB's {@code useBulkStmts=true}), and on the Galera cluster with each process
 * on its own node (one batching with {@code useBulkStmts=true}, one with {@code wsrep_retry_autocommit=0}, one
 * reading causally, {@code wsrep_sync_wait=1}).
 *
 * <p>Each write sets the row's {@code val} to a tag of its own, and every write the API acknowledged is logged with
 * the version it reported. Versions rise by one per stored write (a restore continues the deleted row's), so the table
 * must hold, for every row, exactly the acknowledged writes: versions 2 to the row's version each acknowledged once
 * (none stored unacknowledged, none acknowledged twice or lost), the value of the one acknowledged at the row's
 * version, every acknowledged delete at an acknowledged version and followed only by its restore, and a row gone
 * only after a delete at its last version.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StormAcrossProcessesTest {
    private static final int ROWS = 6;
    private static final int THREADS = 3;
    private static final long RUN_MILLIS = 2_500;
    private static final Pattern RESULT = Pattern.compile(
            "acknowledged=(\\d+) refused=(\\d+) aborted=(\\d+) unknown=(\\d+)");

    @ServerDatabases
    void threeProcessesOnOneServerStoreExactlyTheAcknowledgedWrites(TestDatabase db) throws Exception {
        String t = db.createTable("storm", "id BIGINT PRIMARY KEY, val VARCHAR(40) NOT NULL, version BIGINT NOT NULL");
        db.execute(insertRows(t));
        List<String> urls;
        if (db.name().equals("mariadb")) {
            urls = List.of(db.url(), withOption(db.url(), "useBulkStmts=true"), db.url());
        } else {
            // Callers' transactions that write one row and then others deadlock now and then; PostgreSQL's default
            // deadlock_timeout (1 s) would spend most of the run waiting to find out.
            String fast = withOption(db.url(), "options=-c%20deadlock_timeout=20ms");
            urls = List.of(fast, fast, fast);
        }
        storm(urls, db.user(), db.password(), t, () -> readAll(db.rawConnection(), t));
    }

    @Test
    void threeProcessesOnThreeGaleraNodesStoreExactlyTheAcknowledgedWrites() throws Exception {
        Topology galera = Topology.galera();
        try {
            String t = galera.createTable("storm", "id BIGINT PRIMARY KEY, val VARCHAR(40) NOT NULL, "
                    + "version BIGINT NOT NULL");
            galera.execute(0, insertRows(t));
            for (int node = 0; node < 3; node++) {
                galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
            }
            // Node 0 batches with useBulkStmts, node 1 hears every certification failure of an auto-commit write
            // (no retry by the node), node 2 reads causally.
            List<String> urls = List.of(withOption(galera.url(0), "useBulkStmts=true"),
                    withOption(galera.url(1), "sessionVariables=wsrep_retry_autocommit=0"),
                    withOption(galera.url(2), "sessionVariables=wsrep_sync_wait=1"));
            storm(urls, galera.user(), "", t, () -> {
                Connection c = galera.raw(0);
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION wsrep_sync_wait = 1");
                }
                return readAll(c, t);
            });
        } finally {
            galera.dropCreatedTables();
        }
    }

    private static String insertRows(String t) {
        StringBuilder insert = new StringBuilder("INSERT INTO " + t + " (id, val, version) VALUES ");
        for (int id = 1; id <= ROWS; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'initial', 1)");
        }
        return insert.toString();
    }

    private static String withOption(String url, String option) {
        return option.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + option;
    }

    @FunctionalInterface
    private interface TableRead {
        Map<Long, String[]> rows() throws SQLException;
    }

    /** Every row as {@code {version, val}}, read on (and closing) {@code c}. */
    private static Map<Long, String[]> readAll(Connection c, String t) throws SQLException {
        Map<Long, String[]> rows = new TreeMap<>();
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, version, val FROM " + t)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new String[] {Long.toString(rs.getLong(2)), rs.getString(3)});
            }
        }
        return rows;
    }

    /** Runs one {@link StormMain} per URL, together, and checks the table against their logs. */
    private static Map<Long, String[]> storm(List<String> urls, String user, String password, String t,
                                             TableRead read) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        List<Path> errors = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int p = 0; p < urls.size(); p++) {
                Path log = Files.createTempFile("storm-main-", ".log");
                Path err = Files.createTempFile("storm-main-", ".err");
                logs.add(log);
                errors.add(err);
                Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        StormMain.class.getName(), urls.get(p), user, password, t, Integer.toString(ROWS),
                        Long.toString(RUN_MILLIS), Integer.toString(THREADS), Integer.toString(p), log.toString())
                        .redirectError(err.toFile()).start();
                children.add(child);
                outputs.add(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (int p = 0; p < children.size(); p++) {
                assertThat(outputs.get(p).readLine()).as("child %d starts (stderr: %s)", p,
                        Files.readString(errors.get(p))).isEqualTo("READY");
            }
            for (Process child : children) {
                Writer go = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
                go.write("GO\n");
                go.flush();
            }
            long[] totals = new long[4];
            for (int p = 0; p < children.size(); p++) {
                Process child = children.get(p);
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child %d finishes in time", p).isTrue();
                assertThat(child.exitValue()).as("child %d exit (stderr: %s)", p, Files.readString(errors.get(p)))
                        .isZero();
                String line = outputs.get(p).readLine();
                Matcher m = RESULT.matcher(String.valueOf(line));
                assertThat(m.matches()).as("child %d reports its counts: %s", p, line).isTrue();
                for (int i = 0; i < 4; i++) {
                    totals[i] += Long.parseLong(m.group(i + 1));
                }
            }

            // Per row: the acknowledged versions with the tag each was acknowledged with, and the versions it was
            // acknowledged deleted at.
            Map<Long, TreeMap<Long, List<String>>> acknowledged = new TreeMap<>();
            Map<Long, List<Long>> deletes = new TreeMap<>();
            List<String> unknown = new ArrayList<>();
            for (Path log : logs) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    String[] f = line.split(" ");
                    if (line.startsWith("?")) {
                        unknown.add(line);
                    } else if (f[0].equals("D")) {
                        deletes.computeIfAbsent(Long.parseLong(f[1]), id -> new ArrayList<>()).add(Long.parseLong(f[2]));
                    } else {
                        acknowledged.computeIfAbsent(Long.parseLong(f[0]), id -> new TreeMap<>())
                                .computeIfAbsent(Long.parseLong(f[1]), v -> new ArrayList<>()).add(f[2]);
                    }
                }
            }
            Map<Long, String[]> stored = read.rows();
            List<String> mismatches = new ArrayList<>();
            long deleted = 0;
            for (long id = 1; id <= ROWS; id++) {
                TreeMap<Long, List<String>> acks = acknowledged.getOrDefault(id, new TreeMap<>());
                List<Long> deletedAt = deletes.getOrDefault(id, List.of());
                deleted += deletedAt.size();
                for (long v : deletedAt) {
                    // A delete at v ended the row at v; only the deleter's restore, at v + 1, brings it back.
                    if (deletedAt.indexOf(v) != deletedAt.lastIndexOf(v)) {
                        mismatches.add("row " + id + ": deleted twice at version " + v);
                    }
                    if (v > 1 && !acks.containsKey(v)) {
                        mismatches.add("row " + id + ": deleted at version " + v + ", which no write acknowledged");
                    }
                    List<String> next = acks.get(v + 1);
                    if (next != null && !next.get(0).endsWith("r")) {
                        mismatches.add("row " + id + ": deleted at " + v + ", yet an update was acknowledged at "
                                + (v + 1) + " (" + next + ")");
                    }
                }
                String[] row = stored.get(id);
                if (row == null) {
                    // Gone: the last acknowledged event must be a delete at the last acknowledged version.
                    long last = acks.isEmpty() ? 1 : acks.lastKey();
                    if (!deletedAt.contains(last)) {
                        mismatches.add("row " + id + ": gone, but no delete was acknowledged at its last version "
                                + last + " (deletes at " + deletedAt + ")");
                    }
                    row = new String[] {Long.toString(last), null};
                } else {
                    List<Long> restoredAt = new ArrayList<>();
                    acks.forEach((v, tags) -> {
                        if (tags.get(0).endsWith("r")) {
                            restoredAt.add(v);
                        }
                    });
                    if (restoredAt.size() != deletedAt.size()) {
                        mismatches.add("row " + id + ": present after " + deletedAt.size() + " acknowledged deletes "
                                + deletedAt + " and " + restoredAt.size() + " restores " + restoredAt);
                    }
                }
                long version = Long.parseLong(row[0]);
                for (Map.Entry<Long, List<String>> a : acks.entrySet()) {
                    if (a.getValue().size() > 1) {
                        mismatches.add("row " + id + ": version " + a.getKey() + " acknowledged to " + a.getValue());
                    }
                    if (a.getKey() > version || a.getKey() < 2) {
                        mismatches.add("row " + id + ": version " + a.getKey() + " acknowledged (" + a.getValue()
                                + ") but the row is at " + version);
                    }
                }
                List<Long> missing = new ArrayList<>();
                for (long v = 2; v <= version; v++) {
                    if (!acks.containsKey(v)) {
                        missing.add(v);
                    }
                }
                if (!missing.isEmpty()) {
                    mismatches.add("row " + id + ": stored writes never acknowledged, versions " + missing + " (row at "
                            + version + ", val " + row[1] + ")");
                }
                List<String> last = acks.get(version);
                String expected = version == 1 ? "initial" : last == null ? null : last.get(0);
                if (row[1] != null && !row[1].equals(expected)) {
                    mismatches.add("row " + id + ": holds '" + row[1] + "' at version " + version
                            + ", acknowledged there: " + expected);
                }
            }
            Map<String, Long> counts = new HashMap<>();
            counts.put("deletes", deleted);
            counts.put("acknowledged", totals[0]);
            counts.put("refused", totals[1]);
            counts.put("aborted", totals[2]);
            assertThat(mismatches).as("rows that differ from the acknowledged writes (%s)", counts).isEmpty();
            assertThat(unknown).as("writes whose outcome the API left open (%s)", counts).isEmpty();
            assertThat(totals[0]).as("acknowledged writes").isPositive();
            assertThat(totals[1] + totals[2]).as("refused or aborted writes: the processes really raced").isPositive();
            return stored;
        } finally {
            for (Process child : children) {
                child.destroyForcibly();
            }
            for (Path f : logs) {
                Files.deleteIfExists(f);
            }
            for (Path f : errors) {
                Files.deleteIfExists(f);
            }
        }
    }
}
