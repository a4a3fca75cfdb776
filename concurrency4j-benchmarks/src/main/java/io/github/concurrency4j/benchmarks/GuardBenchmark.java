package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A guarded bulk action ("delete selected") over {@code rows} selected rows, none of them changed: the cost of the
 * check, with an action that does nothing.
 *
 * <ul>
 *   <li>{@link #perRowCheck} — the baseline: in one transaction, lock and compare each row with its own
 *       {@code SELECT version ... FOR UPDATE} (one prepared statement, executed once per row);</li>
 *   <li>{@link #guard} — {@code VersionedTable.guard(identities, action)}: one query per chunk of keys, same locks,
 *       same transaction.</li>
 * </ul>
 *
 * Scores are per action (all rows).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class GuardBenchmark {
    static final String TABLE = "bench_selection";

    @Param({"h2", "postgresql"})
    public String db;

    @Param({"1000"})
    public int rows;

    HikariDataSource pool;
    VersionedTable selection;
    List<Identity> selected;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        BenchmarkDatabase database = BenchmarkDatabase.named(db);
        pool = database.pool();
        database.createProductTable(pool, TABLE, rows);
        selection = Concurrency.builder(pool)
                .table(TABLE, t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                .build()
                .table(TABLE);
        selected = new ArrayList<>(rows);
        for (long id = 1; id <= rows; id++) {
            selected.add(new Identity(id, 1L));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public int guard() {
        return selection.guard(selected, connection -> selected.size());
    }

    @Benchmark
    public int perRowCheck() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT version FROM " + TABLE + " WHERE id = ? FOR UPDATE")) {
                for (Identity row : selected) {
                    ps.setLong(1, (Long) row.key());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || rs.getLong(1) != row.version()) {
                            throw new IllegalStateException("row " + row.key() + " changed");
                        }
                    }
                }
                // The action would run here, on this transaction.
                c.commit();
                return selected.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
