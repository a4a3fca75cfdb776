package io.github.concurrency4j.scaleout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A multi-server topology the scale-out suites run on: the 3-node Galera cluster of {@code scripts/galera} or the
 * PostgreSQL primary + hot standby of {@code scripts/pg-standby}. Found through {@code C4J_GALERA_URLS} and
 * {@code C4J_PG_PRIMARY_URL} / {@code C4J_PG_STANDBY_URL}, or their fixed ports. Mandatory when {@code CI=true}
 * (an unreachable topology fails the test with how to start it); skipped with that message otherwise.
 */
final class Topology {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000L, 36);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Map<String, HikariDataSource> POOLS = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> CHECKED = new ConcurrentHashMap<>();

    private final String name;
    private final List<String> urls;
    private final String user;
    private final String script;
    private final List<String> created = new ArrayList<>();

    private Topology(String name, List<String> urls, String user, String script) {
        this.name = name;
        this.urls = urls;
        this.user = user;
        this.script = script;
    }

    /** The three Galera nodes, index 0 to 2; fails (CI) or skips the test when the cluster is not up. */
    static Topology galera() {
        List<String> urls = List.of(env("C4J_GALERA_URLS", "jdbc:mariadb://127.0.0.1:13306/concurrency4j_test,"
                + "jdbc:mariadb://127.0.0.1:13307/concurrency4j_test,jdbc:mariadb://127.0.0.1:13308/concurrency4j_test")
                .split(","));
        Topology t = new Topology("galera", urls, "root", "galera");
        t.require("SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'", "3");
        return t;
    }

    /** The PostgreSQL primary (index 0) and its streaming hot standby (index 1). */
    static Topology postgresStandby() {
        List<String> urls = List.of(
                env("C4J_PG_PRIMARY_URL", "jdbc:postgresql://127.0.0.1:15432/concurrency4j_test"),
                env("C4J_PG_STANDBY_URL", "jdbc:postgresql://127.0.0.1:15433/concurrency4j_test"));
        Topology t = new Topology("postgresql primary + standby", urls, "postgres", "pg-standby");
        t.require("SELECT 'streaming', count(*) FROM pg_stat_replication WHERE state = 'streaming'", "1");
        return t;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private void require(String probe, String expected) {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        // With CI=true an absent topology is started here (as .ci/run would), once per test JVM, and left running.
        Boolean ok = CHECKED.computeIfAbsent(name,
                n -> probe(probe, expected) || ci && start() && probe(probe, expected));
        if (ok) {
            return;
        }
        String message = "The " + name + " topology is not running at " + urls + ". Start it with 'bash scripts/"
                + script + " up' from the repository root ('bash .ci/run' does it), or point the C4J_* variables of "
                + "docs/scale-out.md at one.";
        if (ci) {
            Assertions.fail("CI=true requires the scale-out topologies, and starting this one failed (see "
                    + "target/" + script + "-up.log). " + message);
        }
        Assumptions.abort("skipping the scale-out suite: " + message);
    }

    /** Runs {@code scripts/<script> up} from the repository root, under the same lock as .ci/run. */
    private boolean start() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("scripts").resolve(script))) {
            root = root.getParent();
        }
        if (root == null) {
            return false;
        }
        try {
            Path dir = Path.of(env("C4J_TOPOLOGY_DIR", "/tmp/concurrency4j-topologies"));
            Files.createDirectories(dir);
            Path log = Files.createDirectories(Path.of("target")).resolve(script + "-up.log");
            Process p = new ProcessBuilder("flock", "-o", dir.resolve(script.equals("galera") ? ".galera.lock"
                    : ".pg.lock").toString(), "bash", "scripts/" + script, "up")
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return p.waitFor(150, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean probe(String probe, String expected) {
        try (Connection c = raw(0); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(probe)) {
            return rs.next() && expected.equals(rs.getString(2));
        } catch (SQLException e) {
            return false;
        }
    }

    /** A pool on node (or server) {@code index} with the default driver options. */
    DataSource node(int index) {
        return node(index, "");
    }

    /** A pool on node {@code index}; {@code options} are appended to the URL ({@code useBulkStmts=true}). */
    DataSource node(int index, String options) {
        String url = withOptions(urls.get(index), options);
        return POOLS.computeIfAbsent(url, u -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(u);
            config.setUsername(user);
            config.setPassword("");
            config.setMaximumPoolSize(8);
            config.setPoolName("scaleout-" + index + "-" + POOLS.size());
            return new HikariDataSource(config);
        });
    }

    /** The JDBC URL of node (or server) {@code index}, and the user the suites connect as. */
    String url(int index) {
        return urls.get(index);
    }

    String user() {
        return user;
    }

    /** A new connection outside any pool, as a SQL console on that node would have. */
    Connection raw(int index) throws SQLException {
        return DriverManager.getConnection(urls.get(index), user, "");
    }

    private static String withOptions(String url, String options) {
        if (options.isEmpty()) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + options;
    }

    /** Creates a table with a fresh name on node 0 (DDL replicates to every node before it returns). */
    String createTable(String prefix, String columns) {
        String table = (prefix + "_" + RUN + "_" + SEQUENCE.incrementAndGet()).toLowerCase(Locale.ROOT);
        execute(0, "CREATE TABLE " + table + " (" + columns + ")");
        created.add(table);
        return table;
    }

    /**
     * Fills the counter table {@code table} (columns {@code id, hits, version}) on node 0 with rows 1 to
     * {@code rows}, each at 0 hits and version 1.
     */
    void insertCounters(String table, int rows) {
        StringBuilder insert = new StringBuilder("INSERT INTO " + table + " (id, hits, version) VALUES ");
        for (int id = 1; id <= rows; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", 0, 1)");
        }
        execute(0, insert.toString());
    }

    /** Runs statements on node {@code index}, auto-commit. */
    void execute(int index, String... sql) {
        try (Connection c = raw(index); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Setup statement failed on " + name + " node " + index + ": "
                    + e.getMessage(), e);
        }
    }

    /** Reads one number on node {@code index}. */
    long queryLong(int index, String sql) {
        try (Connection c = raw(index); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed on " + name + " node " + index + ": " + e.getMessage(), e);
        }
    }

    /** Drops the tables this instance created. */
    void dropCreatedTables() {
        for (String t : created) {
            try {
                execute(0, "DROP TABLE IF EXISTS " + t);
            } catch (IllegalStateException ignored) {
                // Best effort: the data directory is thrown away with the topology.
            }
        }
        created.clear();
    }
}
