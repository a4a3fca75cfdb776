package io.github.concurrency4j.benchmarks;

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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Saving a list-editable grid of {@code rows} rows, every row still current:
 *
 * <ul>
 *   <li>{@link #updateEach} — the baseline: one {@code VersionedTable.update} per row;</li>
 *   <li>{@link #updateAll} — one {@code updateAll(changes, ABORT_ALL)}: one JDBC batch in one transaction;</li>
 *   <li>{@link #jdbcBatch} — for reference, the hand-written batch of the same checked UPDATEs in one transaction,
 *       with no result mapping: the floor {@code updateAll} can approach.</li>
 * </ul>
 *
 * Scores are per grid save (all rows), not per row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
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

    HikariDataSource pool;
    VersionedTable grid;
    long[] versions;
    int writes;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        BenchmarkDatabase database = BenchmarkDatabase.named(db);
        pool = database.pool("on".equals(pgSyncCommit));
        database.createProductTable(pool, TABLE, rows);
        grid = Concurrency.builder(pool)
                .table(TABLE, t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                .build()
                .table(TABLE);
        versions = new long[rows];
        java.util.Arrays.fill(versions, 1L);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
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
        for (int i = 0; i < rows; i++) {
            versions[i]++;
        }
        return versions[0];
    }
}
