package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The databases the benchmarks run on, and the one connection pool configuration every benchmark uses, so that no
 * contender wins by pooling differently.
 */
public enum BenchmarkDatabase {
    /** H2 in memory, in the benchmark's JVM: measures the Java side, with almost no I/O. */
    H2 {
        @Override
        String url() {
            // LOCK_TIMEOUT: with eight writers queued on one row, H2's default of one second would fail writers
            // that PostgreSQL simply makes wait.
            return "jdbc:h2:mem:benchmarks;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        }

        @Override
        String user() {
            return "sa";
        }

        @Override
        String rangeSelect(int rows) {
            return "SELECT X, 'name ' || X, 100, 1 FROM SYSTEM_RANGE(1, " + rows + ")";
        }
    },
    /** PostgreSQL over TCP on localhost: every statement is a round-trip, as in production. */
    POSTGRESQL {
        @Override
        String url() {
            // The test database's variable as a fallback, so that BenchmarkBodiesTest runs on the same server (and
            // database) as every other test of the build.
            return env("C4J_BENCH_PG_URL", env("C4J_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/concurrency4j_test"));
        }

        @Override
        String user() {
            return env("C4J_BENCH_PG_USER", "postgres");
        }

        @Override
        String password() {
            return env("C4J_BENCH_PG_PASSWORD", "");
        }

        @Override
        String rangeSelect(int rows) {
            return "SELECT g, 'name ' || g, 100, 1 FROM generate_series(1, " + rows + ") g";
        }

        @Override
        void configure(HikariConfig config, boolean durableCommits) {
            if (!durableCommits) {
                // A commit then returns before its WAL record reaches the disk. The statements, locks and
                // round-trips are unchanged; what goes is the disk flush, a constant that every contender pays once
                // per transaction and that on this kind of machine (several ms) would hide everything else.
                config.setConnectionInitSql("SET synchronous_commit TO OFF");
            }
        }

        @Override
        void afterLoad(Connection c, String table) throws SQLException {
            // Fresh statistics and no dead tuples from the previous fork's run: every fork starts alike.
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE " + table);
            }
        }
    };

    /** Connections in the pool: enough for the widest contention run (8 threads), the same for every benchmark. */
    public static final int POOL_SIZE = 8;

    abstract String url();

    abstract String user();

    String password() {
        return "";
    }

    /** A SELECT producing {@code rows} rows of (id, name, price, version) with ids 1..rows. */
    abstract String rangeSelect(int rows);

    void afterLoad(Connection c, String table) throws SQLException {
    }

    /** Database-specific session settings; {@code durableCommits} false lets a commit skip waiting for the disk. */
    void configure(HikariConfig config, boolean durableCommits) {
    }

    /** The database named by a JMH parameter value such as {@code h2} or {@code postgresql}. */
    public static BenchmarkDatabase named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** A new pool with the shared settings, commits not waiting for the disk; the caller closes it. */
    public HikariDataSource pool() {
        return pool(false);
    }

    /**
     * A new pool with the shared settings; the caller closes it.
     *
     * @param durableCommits whether a commit waits until it is on disk (PostgreSQL's default)
     */
    public HikariDataSource pool(boolean durableCommits) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("benchmarks-" + name().toLowerCase(Locale.ROOT));
        config.setJdbcUrl(url());
        config.setUsername(user());
        config.setPassword(password());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setAutoCommit(true);
        config.setConnectionTimeout(10_000);
        configure(config, durableCommits);
        return new HikariDataSource(config);
    }

    /**
     * (Re)creates a product table with {@code rows} rows, ids 1..rows, every row at version 1 and price 100.
     * Each benchmark fork starts from a fresh table.
     */
    public void createProductTable(HikariDataSource pool, String table, int rows) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                    + " price INT NOT NULL, version BIGINT NOT NULL)");
            s.executeUpdate("INSERT INTO " + table + " (id, name, price, version) " + rangeSelect(rows));
            afterLoad(c, table);
        }
    }

    /** Drops a table made by {@link #createProductTable}. */
    public void dropTable(HikariDataSource pool, String table) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("DROP TABLE IF EXISTS " + table)) {
            ps.execute();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
