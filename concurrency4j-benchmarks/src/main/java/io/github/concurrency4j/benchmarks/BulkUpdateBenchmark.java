package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import jakarta.persistence.OptimisticLockException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.jooq.DSLContext;
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

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Saving a list-editable grid of {@code rows} rows, every row still current, in one transaction: each contender
 * compares every row's version with the one the user read, bumps it, and writes all or nothing.
 *
 * <ul>
 *   <li>{@link #updateEach} — the baseline: one {@code VersionedTable.update} per row, each its own transaction;</li>
 *   <li>{@link #updateAll} — one {@code updateAll(changes, ABORT_ALL)};</li>
 *   <li>{@link #jdbcBatch} — the hand-written JDBC batch of the same checked UPDATEs, update counts checked;</li>
 *   <li>{@link #unnestFloor} — the floor: one hand-written statement for all rows. On PostgreSQL
 *       {@code UPDATE ... FROM unnest(?::bigint[], ?::bigint[], ?::int[]) ... RETURNING id, version}; on H2, which
 *       has no {@code UPDATE ... FROM}, {@code MERGE ... USING UNNEST(?, ?, ?)} and its update count;</li>
 *   <li>{@link #lockedUnnestFloor} — the unnest floor with its rows locked in key order first
 *       ({@code g.id = ANY(ARRAY(SELECT id ... ORDER BY id FOR UPDATE))}), which keeps two concurrent bulk saves over
 *       overlapping rows from deadlocking: what the floor costs once it is safe under concurrency (H2: the plain
 *       unnest floor's MERGE, since H2 locks differently);</li>
 *   <li>{@link #valuesFloor} — the same single statement with the rows inline, {@code FROM (VALUES (?, ?, ?), ...)}
 *       (three parameters a row);</li>
 *   <li>{@link #jooqBatchStore} — jOOQ: {@code batchStore} of {@code UpdatableRecord}s with a record version field
 *       and optimistic locking on, in {@code transactionResult}, update counts checked;</li>
 *   <li>{@link #springDataSaveAll} — Spring Data JDBC: {@code saveAll} of {@code @Version} aggregates (one
 *       transaction, as the repository declares it);</li>
 *   <li>{@link #hibernateBatch} — Hibernate 6 with JDBC batching ({@code hibernate.jdbc.batch_size} = rows, updates
 *       ordered, versioned data batched): load the rows in one query, compare each version with the user's, set the
 *       price, flush on commit.</li>
 * </ul>
 *
 * The ORMs write what their model writes: Spring Data JDBC saves the whole aggregate (name, price, version), since
 * it has no notion of a partial update; Hibernate's flush also writes every column. Scores are per grid save (all
 * rows), not per row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.jboss.logging.provider=slf4j", "-Dorg.jooq.no-logo=true",
        "-Dorg.jooq.no-tips=true"})
@State(Scope.Benchmark)
public class BulkUpdateBenchmark {
    static final String TABLE = "bench_grid";

    @Param({"h2", "postgresql"})
    public String db;

    @Param({"1000"})
    public int rows;

    /**
     * PostgreSQL only: {@code on} makes every commit wait for the disk flush (the server default), which is where
     * 1,000 separate updates lose most against one batch; {@code off} (the default here) measures the statements.
     */
    @Param({"off"})
    public String pgSyncCommit;

    BenchmarkDatabase database;
    HikariDataSource pool;
    VersionedTable grid;
    /** The version of every row as the user last read it: row {@code i} has id {@code i + 1}. */
    long[] versions;
    /** The names the grid shows (as loaded): what an ORM that saves whole rows writes back. */
    String[] names;
    Long[] ids;
    String unnestStatement;
    String lockedUnnestStatement;
    String valuesStatement;
    int writes;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        database = BenchmarkDatabase.named(db);
        pool = database.pool("on".equals(pgSyncCommit));
        database.createProductTable(pool, TABLE, rows);
        grid = Concurrency.builder(pool)
                .table(TABLE, t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                .build()
                .table(TABLE);
        versions = new long[rows];
        Arrays.fill(versions, 1L);
        names = new String[rows];
        ids = new Long[rows];
        for (int i = 0; i < rows; i++) {
            names[i] = "name " + (i + 1);
            ids[i] = i + 1L;
        }
        unnestStatement = unnestStatement();
        lockedUnnestStatement = database == BenchmarkDatabase.H2 ? unnestStatement
                : unnestStatement.replace(" RETURNING", " AND g.id = ANY(ARRAY(SELECT l.id FROM " + TABLE
                        + " AS l WHERE l.id = ANY(?::bigint[]) ORDER BY l.id FOR UPDATE)) RETURNING");
        valuesStatement = valuesStatement(rows);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** jOOQ on the benchmark's pool; set up only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class JooqFixture {
        DSLContext dsl;
        JooqProducts.ProductTable table;

        @Setup(Level.Trial)
        public void setUp(BulkUpdateBenchmark bench) {
            dsl = JooqProducts.dsl(bench.pool, bench.database);
            table = new JooqProducts.ProductTable(TABLE);
        }
    }

    /** A Spring Data JDBC context on the benchmark's pool; started only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class SpringDataFixture {
        SpringDataProducts spring;

        @Setup(Level.Trial)
        public void setUp(BulkUpdateBenchmark bench) {
            spring = SpringDataProducts.on(bench.pool, TABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            spring.close();
        }
    }

    /** Hibernate with JDBC batching of a whole grid save; bootstrapped only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class HibernateFixture {
        SessionFactory sessions;

        @Setup(Level.Trial)
        public void setUp(BulkUpdateBenchmark bench) {
            sessions = HibernateSessions.batching(bench.pool, bench.rows);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            sessions.close();
        }
    }

    @Benchmark
    public long updateEach() {
        int price = ++writes;
        for (int i = 0; i < rows; i++) {
            versions[i] = grid.update(i + 1L, versions[i], Map.of("price", price));
        }
        return versions[0];
    }

    @Benchmark
    public long updateAll() {
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
                        throw stale(i);
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
        for (int i = 0; i < rows; i++) {
            versions[i]++;
        }
        return versions[0];
    }

    @Benchmark
    public long unnestFloor() throws SQLException {
        return unnest(unnestStatement, false);
    }

    @Benchmark
    public long lockedUnnestFloor() throws SQLException {
        return unnest(lockedUnnestStatement, database != BenchmarkDatabase.H2);
    }

    /** @param keysAgain whether the statement takes the key array a second time, for the locking sub-select */
    private long unnest(String sql, boolean keysAgain) throws SQLException {
        int price = ++writes;
        Long[] expected = new Long[rows];
        Integer[] prices = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            expected[i] = versions[i];
            prices[i] = price;
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Array keys = c.createArrayOf("bigint", ids);
                ps.setArray(1, keys);
                ps.setArray(2, c.createArrayOf("bigint", expected));
                ps.setArray(3, c.createArrayOf("integer", prices));
                if (keysAgain) {
                    ps.setArray(4, keys);
                }
                oneStatementForAllRows(ps);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return versions[0];
    }

    @Benchmark
    public long valuesFloor() throws SQLException {
        int price = ++writes;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(valuesStatement)) {
                int p = 0;
                for (int i = 0; i < rows; i++) {
                    ps.setLong(++p, i + 1L);
                    ps.setLong(++p, versions[i]);
                    ps.setInt(++p, price);
                }
                oneStatementForAllRows(ps);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return versions[0];
    }

    @Benchmark
    public long jooqBatchStore(JooqFixture fixture) {
        int price = ++writes;
        JooqProducts.ProductTable table = fixture.table;
        List<JooqProducts.ProductRecord> records = fixture.dsl.transactionResult(tx -> {
            DSLContext dsl = tx.dsl();
            List<JooqProducts.ProductRecord> batch = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                JooqProducts.ProductRecord record = table.row(dsl, i + 1L, versions[i]);
                record.set(table.price, price);
                batch.add(record);
            }
            int[] counts = dsl.batchStore(batch).execute();
            // batchStore does not raise DataChangedException for a row that matched nothing: its count says so.
            for (int i = 0; i < rows; i++) {
                if (counts[i] != 1) {
                    throw stale(i);
                }
            }
            return batch;
        });
        for (int i = 0; i < rows; i++) {
            versions[i] = records.get(i).version();
        }
        return versions[0];
    }

    @Benchmark
    public long springDataSaveAll(SpringDataFixture fixture) {
        int price = ++writes;
        List<SpringDataProduct> changed = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            changed.add(new SpringDataProduct(i + 1L, names[i], price, versions[i]));
        }
        int i = 0;
        for (SpringDataProduct saved : fixture.spring.repository.saveAll(changed)) {
            versions[i++] = saved.getVersion();
        }
        return versions[0];
    }

    @Benchmark
    public long hibernateBatch(HibernateFixture fixture) {
        int price = ++writes;
        try (Session session = fixture.sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                List<HibernateGridRow> loaded = session.byMultipleIds(HibernateGridRow.class)
                        .withBatchSize(rows)
                        .multiLoad(Arrays.asList(ids));
                for (int i = 0; i < rows; i++) {
                    HibernateGridRow row = loaded.get(i);
                    // The user's version is compared here; the flush's own check covers the rest of the transaction.
                    if (row == null || row.getVersion() != versions[i]) {
                        throw new OptimisticLockException("row " + (i + 1) + " is not at version " + versions[i]);
                    }
                    row.setPrice(price);
                }
                tx.commit();
                for (int i = 0; i < rows; i++) {
                    versions[i] = loaded.get(i).getVersion();
                }
            } finally {
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
        }
        return versions[0];
    }

    /**
     * Runs a one-statement floor and takes the new versions from it; fails (the caller rolls back) unless every row
     * was written.
     */
    private void oneStatementForAllRows(PreparedStatement ps) throws SQLException {
        if (database == BenchmarkDatabase.H2) {
            if (ps.executeUpdate() != rows) {
                throw new IllegalStateException("a row is not at the version its user read");
            }
            for (int i = 0; i < rows; i++) {
                versions[i]++;
            }
            return;
        }
        int written = 0;
        long[] next = new long[rows];
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                next[(int) rs.getLong(1) - 1] = rs.getLong(2);
                written++;
            }
        }
        if (written != rows) {
            throw new IllegalStateException((rows - written) + " rows are not at the version their user read");
        }
        System.arraycopy(next, 0, versions, 0, rows);
    }

    private String unnestStatement() {
        return database == BenchmarkDatabase.H2
                ? "MERGE INTO " + TABLE + " g USING (SELECT * FROM UNNEST(?, ?, ?)) AS u(id, version, price)"
                        + " ON g.id = u.id AND g.version = u.version"
                        + " WHEN MATCHED THEN UPDATE SET price = u.price, version = g.version + 1"
                : "UPDATE " + TABLE + " AS g SET price = u.price, version = g.version + 1"
                        + " FROM unnest(?::bigint[], ?::bigint[], ?::int[]) AS u(id, version, price)"
                        + " WHERE g.id = u.id AND g.version = u.version RETURNING g.id, g.version";
    }

    private String valuesStatement(int count) {
        StringBuilder values = new StringBuilder(count * 12);
        for (int i = 0; i < count; i++) {
            // The first row's casts type the whole VALUES list.
            values.append(i == 0 ? "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INT))" : ", (?, ?, ?)");
        }
        return database == BenchmarkDatabase.H2
                ? "MERGE INTO " + TABLE + " g USING (VALUES " + values + ") AS u(id, version, price)"
                        + " ON g.id = u.id AND g.version = u.version"
                        + " WHEN MATCHED THEN UPDATE SET price = u.price, version = g.version + 1"
                : "UPDATE " + TABLE + " AS g SET price = u.price, version = g.version + 1"
                        + " FROM (VALUES " + values + ") AS u(id, version, price)"
                        + " WHERE g.id = u.id AND g.version = u.version RETURNING g.id, g.version";
    }

    private IllegalStateException stale(int i) {
        return new IllegalStateException("row " + (i + 1) + " is not at version " + versions[i]);
    }
}
