package io.github.concurrency4j.benchmarks;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that each contender does the work it claims, once, on H2: a benchmark that silently wrote nothing (or
 * the wrong rows) would report a flattering number. This runs the benchmark methods as plain calls, not through
 * JMH: no timing, no forks; the benchmarks themselves run only from {@code scripts/bench}.
 */
class BenchmarkBodiesTest {

    private static final int ROWS = 10;
    private static final int WRITES = 25;

    @Test
    void everySingleRowContenderBumpsOneVersionPerCall() throws Exception {
        List<SingleRowContender> contenders = List.of(
                (b, f, h) -> b.jdbcUpdate(f),
                (b, f, h) -> b.engineUpdate(f),
                (b, f, h) -> b.hibernateUpdate(h),
                (b, f, h) -> b.selectForUpdateThenUpdate(f));
        for (SingleRowContender contender : contenders) {
            SingleRowUpdateBenchmark.Fixture fixture = fixture();
            SingleRowUpdateBenchmark.HibernateFixture hibernate = new SingleRowUpdateBenchmark.HibernateFixture();
            hibernate.setUp(fixture);
            try {
                SingleRowUpdateBenchmark benchmark = new SingleRowUpdateBenchmark();
                benchmark.start(fixture, 0, 1);
                for (int i = 0; i < WRITES; i++) {
                    contender.write(benchmark, fixture, hibernate);
                }
                // Every row started at version 1, and each call bumped exactly one of them.
                assertThat(sum(fixture, "SELECT SUM(version) FROM " + SingleRowUpdateBenchmark.TABLE))
                        .isEqualTo(ROWS + WRITES);
                assertThat(sum(fixture, "SELECT COUNT(*) FROM " + SingleRowUpdateBenchmark.TABLE + " WHERE price <> 100"))
                        .isEqualTo(ROWS);
            } finally {
                hibernate.tearDown();
                fixture.tearDown();
            }
        }
    }

    @Test
    void conditionalContenderBumpsBecauseEveryWriteChangesATrackedValue() throws Exception {
        SingleRowUpdateBenchmark.Fixture fixture = fixture();
        try {
            SingleRowUpdateBenchmark.ConditionalFixture conditional = new SingleRowUpdateBenchmark.ConditionalFixture();
            conditional.setUp(fixture);
            SingleRowUpdateBenchmark benchmark = new SingleRowUpdateBenchmark();
            benchmark.start(fixture, 0, 1);
            for (int i = 0; i < WRITES; i++) {
                benchmark.engineConditionalUpdate(conditional);
            }
            assertThat(sum(fixture, "SELECT SUM(version) FROM " + SingleRowUpdateBenchmark.CONDITIONAL_TABLE))
                    .isEqualTo(ROWS + WRITES);
        } finally {
            fixture.tearDown();
        }
    }

    @Test
    void bulkContendersEachWriteEveryRowOnce() throws Exception {
        BulkUpdateBenchmark bulk = new BulkUpdateBenchmark();
        bulk.db = "h2";
        bulk.rows = ROWS;
        bulk.pgSyncCommit = "off";
        bulk.setUp();
        try {
            bulk.updateEach();
            bulk.updateAll();
            bulk.jdbcBatch();
            try (Connection c = bulk.pool.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT MIN(version), MAX(version) FROM " + BulkUpdateBenchmark.TABLE)) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(4);
                assertThat(rs.getLong(2)).isEqualTo(4);
            }
        } finally {
            bulk.tearDown();
        }
    }

    @Test
    void guardContendersCheckEverySelectedRow() throws Exception {
        GuardBenchmark guard = new GuardBenchmark();
        guard.db = "h2";
        guard.rows = ROWS;
        guard.setUp();
        try {
            assertThat(guard.guard()).isEqualTo(ROWS);
            assertThat(guard.perRowCheck()).isEqualTo(ROWS);
        } finally {
            guard.tearDown();
        }
    }

    @Test
    void tokensVerifyTheVersionTheySigned() throws Exception {
        VersionTokenBenchmark tokens = new VersionTokenBenchmark();
        tokens.setUp();
        assertThat(tokens.signAndVerify().version()).isEqualTo(1);
        assertThat(tokens.signAndVerifyWithThreeFields().version()).isEqualTo(2);
        assertThat(tokens.hmacTwice()).hasSize(32);
    }

    @Test
    void contentionContendersLoseNoIncrement() throws Exception {
        ContentionBenchmark benchmark = new ContentionBenchmark();
        ContentionBenchmark.Fixture fixture = new ContentionBenchmark.Fixture();
        fixture.db = "h2";
        fixture.setUp();
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<ContentionBenchmark.Outcomes> outcomes = new ArrayList<>();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ContentionBenchmark.Outcomes o = new ContentionBenchmark.Outcomes();
                outcomes.add(o);
                boolean optimistic = t % 2 == 0;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (optimistic) {
                            benchmark.optimisticRetry(fixture, o);
                        } else {
                            call(() -> benchmark.selectForUpdate(fixture, o));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertThat(sum(fixture.pool, "SELECT price FROM " + ContentionBenchmark.TABLE)).isEqualTo(100 + threads * perThread);
            long attempts = outcomes.stream().mapToLong(o -> o.attempts).sum();
            long conflicts = outcomes.stream().mapToLong(o -> o.conflicts).sum();
            // Every refused write was tried again: tries = successes + refusals.
            assertThat(attempts).isEqualTo(threads * perThread + conflicts);
        } finally {
            pool.shutdownNow();
            fixture.tearDown();
        }
    }

    /** One single-row benchmark method, given the states JMH would inject. */
    private interface SingleRowContender {
        long write(SingleRowUpdateBenchmark benchmark, SingleRowUpdateBenchmark.Fixture fixture,
                   SingleRowUpdateBenchmark.HibernateFixture hibernate) throws SQLException;
    }

    private static SingleRowUpdateBenchmark.Fixture fixture() throws SQLException {
        SingleRowUpdateBenchmark.Fixture fixture = new SingleRowUpdateBenchmark.Fixture();
        fixture.db = "h2";
        fixture.rows = ROWS;
        fixture.pgSyncCommit = "off";
        fixture.setUp();
        return fixture;
    }

    private static long sum(SingleRowUpdateBenchmark.Fixture fixture, String sql) throws SQLException {
        return sum(fixture.pool, sql);
    }

    private static long sum(javax.sql.DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static <T> T call(Callable<T> body) {
        try {
            return body.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
