package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Which statement form saves a grid of {@code rows} current rows fastest on H2, SQLite and MariaDB, with the result
 * of every row known exactly (issue 14, item 1). Every contender runs the same checked autoIncrement UPDATE of one
 * column in one transaction:
 *
 * <ul>
 *   <li>{@link #engineUpdateAll} — {@code updateAll(changes, ABORT_ALL)} as the engine runs it (the batch until
 *       issue 14; since then on MariaDB the one-statement form below, so compare against {@link #jdbcBatch});</li>
 *   <li>{@link #jdbcBatch} — the hand-written JDBC batch of {@code UPDATE ... WHERE id = ? AND version = ?};</li>
 *   <li>{@link #oneStatement} — one statement for all rows, in the database's best form, with its own per-row
 *       evidence: SQLite {@code UPDATE ... FROM (VALUES ...) RETURNING}; H2 {@code SELECT ... FROM FINAL TABLE
 *       (MERGE INTO ... USING (VALUES ...))}; MariaDB a multi-table {@code UPDATE ... JOIN (VALUES ...)} whose
 *       matched-row count equals the number of rows (which proves every row was written by it);</li>
 *   <li>{@link #oneStatementReadBack} — the same statement plus one locking read of all the rows: what the one-statement
 *       form costs where the count alone does not settle every row (MariaDB with a conflict, a conditional version
 *       or an unchecked write).</li>
 * </ul>
 *
 * <p>The interleaved runner ({@link #main}) also compares deletes: pass {@code delete} as the third argument.
 *
 * <p>The databases are set up here rather than in {@link BenchmarkDatabase}, which knows H2 and PostgreSQL only.
 * MariaDB: {@code C4J_BENCH_MARIADB_URL} (default {@code jdbc:mariadb://127.0.0.1:3306/concurrency4j_test}, user
 * root). Scores are per grid save (all rows).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class BulkStatementFormsBenchmark {
    static final String TABLE = "bench_forms";

    @Param({"h2", "sqlite", "mariadb"})
    public String db;

    @Param({"1000"})
    public int rows;

    HikariDataSource pool;
    VersionedTable grid;
    long[] versions;
    int writes;
    String oneStatementSql;
    String range;
    Path sqliteFile;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(2);
        config.setAutoCommit(true);
        switch (db) {
            case "h2":
                config.setJdbcUrl("jdbc:h2:mem:bulkforms;DB_CLOSE_DELAY=-1");
                config.setUsername("sa");
                range = "SELECT X, 'name ' || X, 100, 1 FROM SYSTEM_RANGE(1, " + rows + ")";
                break;
            case "sqlite":
                sqliteFile = Files.createTempFile("bulkforms", ".db");
                config.setJdbcUrl("jdbc:sqlite:" + sqliteFile);
                config.setMaximumPoolSize(1);
                range = "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < " + rows + ")"
                        + " SELECT x, 'name ' || x, 100, 1 FROM g";
                break;
            case "mariadb":
                String url = System.getenv("C4J_BENCH_MARIADB_URL");
                config.setJdbcUrl(url == null || url.isBlank() ? "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test"
                        : url);
                config.setUsername("root");
                range = "SELECT seq, CONCAT('name ', seq), 100, 1 FROM seq_1_to_" + rows;
                break;
            default:
                throw new IllegalArgumentException("db must be h2, sqlite or mariadb, but was " + db);
        }
        pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                    + " price INT NOT NULL, version BIGINT NOT NULL)");
            s.executeUpdate("INSERT INTO " + TABLE + " (id, name, price, version) " + range);
        }
        grid = Concurrency.builder(pool)
                .table(TABLE, t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                .build()
                .table(TABLE);
        versions = new long[rows];
        Arrays.fill(versions, 1L);
        oneStatementSql = oneStatementSql(db, rows);
    }

    /** The one-statement form of each database: values per row (key, expected version, next version, price). */
    static String oneStatementSql(String db, int rows) {
        StringBuilder values = new StringBuilder(rows * 12);
        for (int i = 0; i < rows; i++) {
            values.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?)");
        }
        switch (db) {
            case "sqlite":
                // VALUES columns are column1..columnN in SQLite; RETURNING names each row this statement wrote.
                return "UPDATE " + TABLE + " SET version = v.column3, price = v.column4 FROM (VALUES " + values
                        + ") AS v WHERE " + TABLE + ".id = v.column1 AND " + TABLE + ".version = v.column2"
                        + " RETURNING " + TABLE + ".id";
            case "h2":
                return "SELECT id FROM FINAL TABLE (MERGE INTO " + TABLE + " t USING (VALUES " + values
                        + ") AS v(k, ev, nv, price) ON t.id = v.k AND t.version = v.ev"
                        + " WHEN MATCHED THEN UPDATE SET version = v.nv, price = v.price)";
            case "mariadb":
                // MariaDB 10.11 names a VALUES table's columns after its first row; a CTE names them.
                // STRAIGHT_JOIN and FORCE INDEX: on a small table the optimizer would otherwise scan it, locking
                // every row (measured: a 4-row table, a lock held on a row outside the update blocks it).
                return "UPDATE (WITH v (k, ev, nv, price) AS (VALUES " + values + ") SELECT * FROM v) v"
                        + " STRAIGHT_JOIN " + TABLE + " t FORCE INDEX (PRIMARY) ON t.id = v.k AND t.version = v.ev"
                        + " SET t.version = v.nv, t.price = v.price";
            default:
                throw new IllegalArgumentException(db);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pool.close();
        if (sqliteFile != null) {
            Files.deleteIfExists(sqliteFile);
        }
    }

    @Benchmark
    public long engineUpdateAll() {
        int price = ++writes;
        List<RowChange> changes = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            changes.add(RowChange.of(i + 1L, versions[i], Map.of("price", price)));
        }
        BulkResult result = grid.updateAll(changes, BulkPolicy.ABORT_ALL);
        List<Identity> saved = result.saved();
        for (int i = 0; i < rows; i++) {
            versions[i] = saved.get(i).version();
        }
        return versions[0];
    }

    @Benchmark
    public long jdbcBatch() throws SQLException {
        int price = ++writes;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE " + TABLE + " SET version = ?, price = ? WHERE id = ? AND version = ?")) {
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, versions[i] + 1);
                    ps.setInt(2, price);
                    ps.setLong(3, i + 1L);
                    ps.setLong(4, versions[i]);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < rows; i++) {
                    if (counts[i] != 1) {
                        throw new IllegalStateException("row " + (i + 1) + " is not at version " + versions[i]);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        bumpAll();
        return versions[0];
    }

    @Benchmark
    public long oneStatement() throws SQLException {
        return oneStatement(false);
    }

    @Benchmark
    public long oneStatementReadBack() throws SQLException {
        return oneStatement(true);
    }

    /**
     * SQLite only (elsewhere the same as {@link #oneStatement}): the rows travel as one JSON parameter read by
     * {@code json_each}, so the statement text does not grow with the rows and SQLite has no large VALUES list to
     * compile.
     */
    @Benchmark
    public long oneStatementJson() throws SQLException {
        if (!"sqlite".equals(db)) {
            return oneStatement(false);
        }
        int price = ++writes;
        StringBuilder json = new StringBuilder(rows * 24).append('[');
        for (int i = 0; i < rows; i++) {
            json.append(i == 0 ? "[" : ",[").append(i + 1L).append(',').append(versions[i]).append(',')
                    .append(versions[i] + 1).append(',').append(price).append(']');
        }
        json.append(']');
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET version = v.nv, price = v.price"
                    + " FROM (SELECT value ->> 0 AS k, value ->> 1 AS ev, value ->> 2 AS nv, value ->> 3 AS price"
                    + " FROM json_each(?)) AS v WHERE " + TABLE + ".id = v.k AND " + TABLE + ".version = v.ev"
                    + " RETURNING " + TABLE + ".id")) {
                ps.setString(1, json.toString());
                int written = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        written++;
                    }
                }
                if (written != rows) {
                    throw new IllegalStateException(written + " of " + rows + " rows written");
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        bumpAll();
        return versions[0];
    }

    private long oneStatement(boolean readBack) throws SQLException {
        int price = ++writes;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(oneStatementSql)) {
                int p = 1;
                for (int i = 0; i < rows; i++) {
                    ps.setLong(p++, i + 1L);
                    ps.setLong(p++, versions[i]);
                    ps.setLong(p++, versions[i] + 1);
                    ps.setInt(p++, price);
                }
                int written;
                if ("mariadb".equals(db)) {
                    written = ps.executeUpdate();
                } else {
                    written = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getLong(1);
                            written++;
                        }
                    }
                }
                if (written != rows) {
                    throw new IllegalStateException(written + " of " + rows + " rows written");
                }
                if (readBack) {
                    readBack(c);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        bumpAll();
        return versions[0];
    }

    private void readBack(Connection c) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, version FROM " + TABLE + " WHERE id IN (");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") ORDER BY id").append("sqlite".equals(db) ? "" : " FOR UPDATE");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < rows; i++) {
                ps.setLong(i + 1, i + 1L);
            }
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(2) != versions[n++] + 1) {
                        throw new IllegalStateException("row " + rs.getLong(1) + " reads at " + rs.getLong(2));
                    }
                }
            }
        }
    }

    /**
     * The contenders interleaved: each round runs every contender once, in a rotating order, so that all of them
     * share the machine's load at that moment; the ratio to the first contender (the engine) is taken within each
     * round.
     * On a shared, loaded machine this gives steadier ratios than JMH's one-benchmark-after-another runs.
     *
     * <pre>java -cp benchmarks.jar io.github.concurrency4j.benchmarks.BulkStatementFormsBenchmark [db] [rounds]</pre>
     */
    public static void main(String[] args) throws Exception {
        String[] dbs = args.length > 0 ? args[0].split(",") : new String[] {"h2", "sqlite", "mariadb"};
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        boolean deletes = args.length > 2 && args[2].equals("delete");
        String[] names = deletes ? new String[] {"engineDeleteAll", "jdbcBatchDelete", "oneStatementDelete"}
                : new String[] {"engineUpdateAll", "jdbcBatch", "oneStatement", "oneStatementReadBack",
                    "oneStatementJson"};
        for (String db : dbs) {
            BulkStatementFormsBenchmark b = new BulkStatementFormsBenchmark();
            b.db = db;
            b.rows = 1000;
            b.setUp();
            try {
                long[][] nanos = new long[names.length][rounds];
                int warmup = rounds / 2;
                for (int r = -warmup; r < rounds; r++) {
                    for (int j = 0; j < names.length; j++) {
                        int n = Math.floorMod(r + j, names.length);
                        if (deletes) {
                            b.refill();
                        }
                        long start = System.nanoTime();
                        b.run(names[n]);
                        long took = System.nanoTime() - start;
                        if (r >= 0) {
                            nanos[n][r] = took;
                        }
                    }
                }
                System.out.println("== " + db + ", " + b.rows + " rows, " + rounds + " interleaved rounds after "
                        + warmup + " warm-up rounds (ms per save: median [p25, p75]; ratio to " + names[0]
                        + " within a round: median [p25, p75])");
                for (int n = 0; n < names.length; n++) {
                    double[] ms = new double[rounds];
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ms[r] = nanos[n][r] / 1e6;
                        ratio[r] = (double) nanos[n][r] / nanos[0][r];
                    }
                    Arrays.sort(ms);
                    Arrays.sort(ratio);
                    System.out.printf("%-22s %8.2f [%6.2f, %6.2f]   ratio %5.2f [%5.2f, %5.2f]%n", names[n],
                            ms[rounds / 2], ms[rounds / 4], ms[rounds * 3 / 4],
                            ratio[rounds / 2], ratio[rounds / 4], ratio[rounds * 3 / 4]);
                }
            } finally {
                b.tearDown();
            }
        }
    }

    private void run(String contender) throws SQLException {
        switch (contender) {
            case "engineUpdateAll" -> engineUpdateAll();
            case "jdbcBatch" -> jdbcBatch();
            case "oneStatement" -> oneStatement();
            case "oneStatementReadBack" -> oneStatementReadBack();
            case "oneStatementJson" -> oneStatementJson();
            case "engineDeleteAll" -> engineDeleteAll();
            case "jdbcBatchDelete" -> jdbcBatchDelete();
            case "oneStatementDelete" -> oneStatementDelete();
            default -> throw new IllegalArgumentException(contender);
        }
    }

    /** Puts every row back at version 1 after a delete contender (not timed). */
    private void refill() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + TABLE);
            s.executeUpdate("INSERT INTO " + TABLE + " (id, name, price, version) " + range);
        }
        Arrays.fill(versions, 1L);
    }

    private void engineDeleteAll() {
        List<Identity> rowsShown = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            rowsShown.add(Identity.of(i + 1L, versions[i]));
        }
        if (grid.deleteAll(rowsShown, BulkPolicy.ABORT_ALL).saved().size() != rows) {
            throw new IllegalStateException("not every row deleted");
        }
    }

    private void jdbcBatchDelete() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ? AND version = ?")) {
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, i + 1L);
                    ps.setLong(2, versions[i]);
                    ps.addBatch();
                }
                for (int count : ps.executeBatch()) {
                    if (count != 1) {
                        throw new IllegalStateException("a row was not deleted");
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * One statement deleting every row, with its evidence: MariaDB's multi-table delete joined with the rows (its
     * count); SQLite {@code DELETE ... RETURNING} (the key list first, so that SQLite finds the rows by the primary
     * key: a bare row-value IN scans the table); H2 {@code SELECT ... FROM OLD TABLE (DELETE ...)}.
     */
    private void oneStatementDelete() throws SQLException {
        StringBuilder values = new StringBuilder(rows * 8);
        StringBuilder keys = new StringBuilder(rows * 3);
        for (int i = 0; i < rows; i++) {
            values.append(i == 0 ? "" : ", ").append("(?, ?)");
            keys.append(i == 0 ? "?" : ", ?");
        }
        String sql = switch (db) {
            case "mariadb" -> "DELETE t FROM (WITH v (k, e) AS (VALUES " + values + ") SELECT * FROM v) AS v"
                    + " STRAIGHT_JOIN " + TABLE + " AS t FORCE INDEX (PRIMARY) ON t.id = v.k AND t.version = v.e";
            case "sqlite" -> "DELETE FROM " + TABLE + " WHERE id IN (" + keys + ") AND (id, version) IN (VALUES "
                    + values + ") RETURNING id";
            default -> "SELECT id FROM OLD TABLE (DELETE FROM " + TABLE + " WHERE (id, version) IN (" + values
                    + "))";
        };
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                if ("sqlite".equals(db)) {
                    for (int i = 0; i < rows; i++) {
                        ps.setLong(p++, i + 1L);
                    }
                }
                for (int i = 0; i < rows; i++) {
                    ps.setLong(p++, i + 1L);
                    ps.setLong(p++, versions[i]);
                }
                int deleted = 0;
                if ("mariadb".equals(db)) {
                    deleted = ps.executeUpdate();
                } else {
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            deleted++;
                        }
                    }
                }
                if (deleted != rows) {
                    throw new IllegalStateException(deleted + " of " + rows + " rows deleted");
                }
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private void bumpAll() {
        for (int i = 0; i < rows; i++) {
            versions[i]++;
        }
    }
}
