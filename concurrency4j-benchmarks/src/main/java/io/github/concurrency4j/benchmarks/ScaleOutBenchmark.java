package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * The scale-out topologies of {@code scripts/galera} and {@code scripts/pg-standby} (start them first; see
 * docs/scale-out.md). Not part of {@code scripts/bench}'s default groups; run with
 * {@code java -jar concurrency4j-benchmarks/target/benchmarks.jar ScaleOut -t 4}.
 *
 * <ul>
 *   <li>{@link #galeraIncrement} — read-modify-write of one of {@value #ROWS} counter rows through
 *       {@code Concurrency.retry}, threads spread over {@code nodes} Galera nodes (1: all on node 1, so conflicts
 *       are local; 3: round-robin, so they are certification failures). {@code conflicts} and {@code aborts} per
 *       attempt are the conflict rate.</li>
 *   <li>{@link #find} — {@code find} of a random row from the primary or, with {@code readReplica}, the standby.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ScaleOutBenchmark {
    static final int ROWS = 16;
    static final String TABLE = "bench_scaleout";
    static final RetryPolicy IMMEDIATE_RETRY =
            RetryPolicy.custom().maxAttempts(10_000).initialDelayMillis(0).maxDelayMillis(0).build();

    private static HikariDataSource pool(String url, String user) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword("");
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    private static void createCounters(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, version BIGINT NOT NULL)");
            StringBuilder insert = new StringBuilder("INSERT INTO " + TABLE + " (id, hits, version) VALUES ");
            for (int id = 1; id <= ROWS; id++) {
                insert.append(id == 1 ? "" : ", ").append('(').append(id).append(", 0, 1)");
            }
            s.executeUpdate(insert.toString());
        }
    }

    /** The three Galera nodes, an engine on each. */
    @State(Scope.Benchmark)
    public static class Galera {
        @Param({"1", "3"})
        public int nodes;

        final List<HikariDataSource> pools = new ArrayList<>();
        final List<Concurrency> engines = new ArrayList<>();
        final AtomicInteger nextThread = new AtomicInteger();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            for (int port = 13306; port < 13306 + nodes; port++) {
                pools.add(pool("jdbc:mariadb://127.0.0.1:" + port + "/concurrency4j_test", "root"));
            }
            createCounters(pools.get(0));
            // Every node must have the rows before its engine verifies the table.
            for (HikariDataSource p : pools) {
                try (Connection c = p.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SET SESSION wsrep_sync_wait = 1");
                    s.executeQuery("SELECT COUNT(*) FROM " + TABLE).close();
                }
                engines.add(Concurrency.builder(p).table(TABLE).build());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws SQLException {
            try (Connection c = pools.get(0).getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
            }
            pools.forEach(HikariDataSource::close);
        }
    }

    /** One thread's node and what its attempts met. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class GaleraThread {
        public long attempts;
        public long conflicts;
        public long aborts;
        Concurrency engine;
        VersionedTable counters;

        @Setup(Level.Trial)
        public void pick(Galera galera) {
            engine = galera.engines.get(galera.nextThread.getAndIncrement() % galera.nodes);
            counters = engine.table(TABLE);
        }

        @Setup(Level.Iteration)
        public void reset() {
            attempts = 0;
            conflicts = 0;
            aborts = 0;
        }
    }

    @Benchmark
    public long galeraIncrement(GaleraThread thread) {
        long id = ThreadLocalRandom.current().nextLong(1, ROWS + 1);
        return thread.engine.retry(IMMEDIATE_RETRY, () -> {
            thread.attempts++;
            Row row = thread.counters.find(id).orElseThrow();
            try {
                return thread.counters.update(id, row.version(),
                        Map.of("hits", ((Number) row.get("hits")).longValue() + 1));
            } catch (RecordModifiedException e) {
                thread.conflicts++;
                throw e;
            } catch (TransactionAbortedException e) {
                thread.aborts++;
                throw e;
            }
        });
    }

    /** The PostgreSQL primary and its standby. */
    @State(Scope.Benchmark)
    public static class Replica {
        @Param({"primary", "replica"})
        public String reads;

        HikariDataSource primary;
        HikariDataSource standby;
        VersionedTable rows;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            primary = pool("jdbc:postgresql://127.0.0.1:15432/concurrency4j_test", "postgres");
            standby = pool("jdbc:postgresql://127.0.0.1:15433/concurrency4j_test", "postgres");
            createCounters(primary);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Connection c = standby.getConnection(); Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1 FROM " + TABLE).close();
                    break;
                } catch (SQLException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(10);
                }
            }
            Concurrency.Builder builder = Concurrency.builder(primary).table(TABLE);
            if (reads.equals("replica")) {
                builder.readReplica(standby);
            }
            rows = builder.build().table(TABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws SQLException {
            try (Connection c = primary.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
            }
            primary.close();
            standby.close();
        }
    }

    @Benchmark
    public Row find(Replica replica) {
        return replica.rows.find(ThreadLocalRandom.current().nextLong(1, ROWS + 1)).orElseThrow();
    }
}
