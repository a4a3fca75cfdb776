package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import org.openjdk.jmh.annotations.AuxCounters;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Every thread increments the same counter row: read it, add one, write it. Run with {@code -t 1, 2, 4, 8}.
 *
 * <ul>
 *   <li>{@link #selectForUpdate} — the baseline: lock the row, read, update, commit. Writers queue on the lock and
 *       never conflict.</li>
 *   <li>{@link #optimisticRetry} — {@code Concurrency.retry}: read the row, {@code update} at the version read;
 *       a writer that lost the race reads again and retries at once (no back-off, so that the throughput measured is
 *       the engine's and not the sleep's).</li>
 * </ul>
 *
 * The score is successful increments per second over all threads; {@code attempts} and {@code conflicts} count
 * writes tried and writes refused, so conflicts / attempts is the conflict rate.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ContentionBenchmark {
    static final String TABLE = "bench_counter";
    static final long ROW = 1L;

    /** Retry at once, for as long as it takes: under 8 writers a row can be lost a few dozen times in a row. */
    static final RetryPolicy IMMEDIATE_RETRY =
            RetryPolicy.custom().maxAttempts(10_000).initialDelayMillis(0).maxDelayMillis(0).build();

    /** The counter row and the pool, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Fixture {
        @Param({"h2", "postgresql"})
        public String db;

        HikariDataSource pool;
        Concurrency concurrency;
        VersionedTable counters;

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            BenchmarkDatabase database = BenchmarkDatabase.named(db);
            pool = database.pool();
            database.createProductTable(pool, TABLE, 1);
            concurrency = Concurrency.builder(pool)
                    .table(TABLE, t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                    .build();
            counters = concurrency.table(TABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    /** What one thread tried; JMH sums the threads and reports both next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Outcomes {
        /** Writes tried, successful or not. */
        public long attempts;
        /** Writes refused because another thread had saved first. */
        public long conflicts;

        @Setup(Level.Iteration)
        public void reset() {
            attempts = 0;
            conflicts = 0;
        }
    }

    @Benchmark
    public int optimisticRetry(Fixture fixture, Outcomes outcomes) {
        return fixture.concurrency.retry(IMMEDIATE_RETRY, () -> {
            outcomes.attempts++;
            Row row = fixture.counters.find(ROW).orElseThrow();
            int next = ((Number) row.get("price")).intValue() + 1;
            try {
                fixture.counters.update(ROW, row.version(), Map.of("price", next));
            } catch (RecordModifiedException lost) {
                outcomes.conflicts++;
                throw lost;
            }
            return next;
        });
    }

    @Benchmark
    public int selectForUpdate(Fixture fixture, Outcomes outcomes) throws SQLException {
        outcomes.attempts++;
        try (Connection c = fixture.pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                int next;
                try (PreparedStatement lock = c.prepareStatement(
                        "SELECT price FROM " + TABLE + " WHERE id = ? FOR UPDATE")) {
                    lock.setLong(1, ROW);
                    try (ResultSet rs = lock.executeQuery()) {
                        rs.next();
                        next = rs.getInt(1) + 1;
                    }
                }
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE " + TABLE + " SET price = ?, version = version + 1 WHERE id = ?")) {
                    update.setInt(1, next);
                    update.setLong(2, ROW);
                    update.executeUpdate();
                }
                c.commit();
                return next;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
