package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.RecordModifiedException;
import jakarta.persistence.OptimisticLockException;
import org.hibernate.StaleObjectStateException;
import org.jooq.exception.DataChangedException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.OptimisticLockingFailureException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks that each contender does the work it claims, on H2 and on a real PostgreSQL: a benchmark that silently
 * wrote nothing, wrote the wrong rows, or skipped the version check would report a flattering number. Every write
 * contender proves a checked write: its rows change and their versions are bumped (read back from the database),
 * and a stale version is refused, not silently written. This runs the benchmark methods as plain calls, not through
 * JMH: no timing, no forks; the benchmarks themselves run only from {@code scripts/bench}.
 */
class BenchmarkBodiesTest {

    private static final int ROWS = 10;
    private static final int WRITES = 25;

    /**
     * Every single-row contender, run as the benchmark runs it, really writes: each call bumps one row's version and
     * writes its values. Then another writer changes every row behind its back, and the contender's next write,
     * based on the version it last saw, must be refused with its own kind of conflict error and change nothing.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void everySingleRowContenderWritesCheckedAndRefusesAStaleVersion(String db) throws Exception {
        requireReachable(db);
        List<SingleRowContender> contenders = List.of(
                single("jdbcUpdate", IllegalStateException.class, (b, f) -> b.jdbcUpdate(f.fixture)),
                single("engineUpdate", RecordModifiedException.class, (b, f) -> b.engineUpdate(f.fixture)),
                single("engineConditionalUpdate", RecordModifiedException.class,
                        (b, f) -> b.engineConditionalUpdate(f.conditional.get())),
                single("hibernateUpdate", StaleObjectStateException.class, (b, f) -> b.hibernateUpdate(f.hibernate.get())),
                single("hibernateMerge", OptimisticLockException.class, (b, f) -> b.hibernateMerge(f.hibernate.get())),
                single("jooqStore", DataChangedException.class, (b, f) -> b.jooqStore(f.jooq.get())),
                single("springDataSave", OptimisticLockingFailureException.class,
                        (b, f) -> b.springDataSave(f.spring.get())),
                single("selectForUpdateThenUpdate", IllegalStateException.class,
                        (b, f) -> b.selectForUpdateThenUpdate(f.fixture)));
        for (SingleRowContender contender : contenders) {
            try (SingleRowStates states = new SingleRowStates(db)) {
                String table = contender.name().equals("engineConditionalUpdate")
                        ? SingleRowUpdateBenchmark.CONDITIONAL_TABLE : SingleRowUpdateBenchmark.TABLE;
                if (table.equals(SingleRowUpdateBenchmark.CONDITIONAL_TABLE)) {
                    states.conditional.get();
                }
                SingleRowUpdateBenchmark benchmark = new SingleRowUpdateBenchmark();
                benchmark.start(states.fixture, 0, 1);
                for (int i = 0; i < WRITES; i++) {
                    contender.body().write(benchmark, states);
                }
                // Every row started at version 1 and price 100; each call bumped exactly one of them, and wrote.
                assertThat(sum(states.fixture.pool, "SELECT SUM(version) FROM " + table))
                        .as(contender.name()).isEqualTo(ROWS + WRITES);
                assertThat(sum(states.fixture.pool, "SELECT COUNT(*) FROM " + table + " WHERE price <> 100"))
                        .as(contender.name()).isEqualTo(ROWS);

                execute(states.fixture.pool, "UPDATE " + table + " SET version = version + 1, price = -1");
                assertThatThrownBy(() -> contender.body().write(benchmark, states))
                        .as(contender.name() + " refuses a stale version")
                        .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(contender.conflict()));
                assertThat(sum(states.fixture.pool, "SELECT SUM(version) FROM " + table))
                        .as(contender.name() + " wrote nothing when refused").isEqualTo(ROWS + WRITES + ROWS);
                assertThat(sum(states.fixture.pool, "SELECT COUNT(*) FROM " + table + " WHERE price = -1"))
                        .as(contender.name() + " kept the other writer's values").isEqualTo(ROWS);
            }
        }
    }

    /**
     * Every bulk contender saves every row in one call, checked, and its next call starts from the versions it got
     * back. Then another writer changes one row, and the next save is refused: the all-or-nothing contenders write
     * no row at all, and 1,000 separate updates keep exactly the rows they reported saved. Either way the other
     * writer's row keeps its values.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void everyBulkContenderWritesEveryRowCheckedAndAllOrNothing(String db) throws Exception {
        requireReachable(db);
        List<BulkContender> contenders = List.of(
                bulk("updateEach", RecordModifiedException.class, false, (b, s) -> b.updateEach()),
                bulk("updateAll", BulkConflictException.class, true, (b, s) -> b.updateAll()),
                bulk("jdbcBatch", IllegalStateException.class, true, (b, s) -> b.jdbcBatch()),
                bulk("unnestFloor", IllegalStateException.class, true, (b, s) -> b.unnestFloor()),
                bulk("lockedUnnestFloor", IllegalStateException.class, true, (b, s) -> b.lockedUnnestFloor()),
                bulk("valuesFloor", IllegalStateException.class, true, (b, s) -> b.valuesFloor()),
                bulk("jooqBatchStore", IllegalStateException.class, true, (b, s) -> b.jooqBatchStore(s.jooq.get())),
                bulk("springDataSaveAll", OptimisticLockingFailureException.class, true,
                        (b, s) -> b.springDataSaveAll(s.spring.get())),
                bulk("hibernateBatch", OptimisticLockException.class, true, (b, s) -> b.hibernateBatch(s.hibernate.get())));
        for (BulkContender contender : contenders) {
            try (BulkStates states = new BulkStates(db)) {
                BulkUpdateBenchmark bench = states.bench;
                for (int write = 1; write <= 2; write++) {
                    contender.body().write(bench, states);
                    long version = 1 + write;
                    assertThat(bench.versions).as(contender.name()).containsOnly(version);
                    assertThat(sum(bench.pool, "SELECT COUNT(*) FROM " + BulkUpdateBenchmark.TABLE
                            + " WHERE version = " + version + " AND price = " + write))
                            .as(contender.name() + " wrote every row, save " + write).isEqualTo(ROWS);
                }

                long staleId = 3;
                execute(bench.pool, "UPDATE " + BulkUpdateBenchmark.TABLE + " SET version = version + 1, price = -1"
                        + " WHERE id = " + staleId);
                assertThatThrownBy(() -> contender.body().write(bench, states))
                        .as(contender.name() + " refuses a stale row")
                        .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(contender.conflict()));
                if (contender.allOrNothing()) {
                    assertThat(bench.versions).as(contender.name() + " reported nothing saved").containsOnly(3L);
                }
                // What the contender reports saved is in the table; nothing else of its third save is.
                Map<Long, long[]> table = rows(bench.pool);
                for (int i = 0; i < ROWS; i++) {
                    long id = i + 1;
                    if (id == staleId) {
                        assertThat(table.get(id)).as(contender.name() + " kept the other writer's row")
                                .containsExactly(4, -1);
                    } else {
                        long reported = bench.versions[i];
                        assertThat(table.get(id)).as(contender.name() + ", row " + id)
                                .containsExactly(reported, reported == 4 ? 3 : 2);
                    }
                }
            }
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
    private interface SingleRowBody {
        long write(SingleRowUpdateBenchmark benchmark, SingleRowStates states) throws Exception;
    }

    private record SingleRowContender(String name, Class<? extends Throwable> conflict, SingleRowBody body) {
    }

    private static SingleRowContender single(String name, Class<? extends Throwable> conflict, SingleRowBody body) {
        return new SingleRowContender(name, conflict, body);
    }

    /** One bulk benchmark method, given the states JMH would inject. */
    private interface BulkBody {
        long write(BulkUpdateBenchmark benchmark, BulkStates states) throws Exception;
    }

    private record BulkContender(String name, Class<? extends Throwable> conflict, boolean allOrNothing,
                                 BulkBody body) {
    }

    private static BulkContender bulk(String name, Class<? extends Throwable> conflict, boolean allOrNothing,
                                      BulkBody body) {
        return new BulkContender(name, conflict, allOrNothing, body);
    }

    /**
     * A benchmark's states as JMH injects them into a benchmark method: the trial state made at once, the optional
     * ones made on first use, and on close every one made torn down, the trial state last.
     */
    private abstract static class States implements AutoCloseable {
        private final List<Lazy<?>> optional = new ArrayList<>();

        /** An optional state, made by {@code constructor} and set up on first use. */
        <T> Lazy<T> optional(Supplier<T> constructor, SetUp<T> setUp, Consumer<T> tearDown) {
            Lazy<T> state = new Lazy<>(constructor, setUp, tearDown);
            optional.add(state);
            return state;
        }

        abstract void tearDownTrial();

        @Override
        public void close() {
            optional.forEach(Lazy::tearDown);
            tearDownTrial();
        }
    }

    private interface SetUp<T> {
        void setUp(T state) throws Exception;
    }

    private static final class Lazy<T> {
        private final Supplier<T> constructor;
        private final SetUp<T> setUp;
        private final Consumer<T> tearDown;
        private T state;

        private Lazy(Supplier<T> constructor, SetUp<T> setUp, Consumer<T> tearDown) {
            this.constructor = constructor;
            this.setUp = setUp;
            this.tearDown = tearDown;
        }

        T get() throws Exception {
            if (state == null) {
                T made = constructor.get();
                setUp.setUp(made);
                state = made;
            }
            return state;
        }

        void tearDown() {
            if (state != null) {
                tearDown.accept(state);
            }
        }
    }

    /** The single-row benchmark's states on a fresh table of {@link #ROWS} rows. */
    private static final class SingleRowStates extends States {
        final SingleRowUpdateBenchmark.Fixture fixture = new SingleRowUpdateBenchmark.Fixture();
        final Lazy<SingleRowUpdateBenchmark.ConditionalFixture> conditional = optional(
                SingleRowUpdateBenchmark.ConditionalFixture::new, c -> c.setUp(fixture), c -> { });
        final Lazy<SingleRowUpdateBenchmark.HibernateFixture> hibernate = optional(
                SingleRowUpdateBenchmark.HibernateFixture::new, h -> h.setUp(fixture),
                SingleRowUpdateBenchmark.HibernateFixture::tearDown);
        final Lazy<SingleRowUpdateBenchmark.JooqFixture> jooq = optional(
                SingleRowUpdateBenchmark.JooqFixture::new, j -> j.setUp(fixture), j -> { });
        final Lazy<SingleRowUpdateBenchmark.SpringDataFixture> spring = optional(
                SingleRowUpdateBenchmark.SpringDataFixture::new, d -> d.setUp(fixture),
                SingleRowUpdateBenchmark.SpringDataFixture::tearDown);

        SingleRowStates(String db) throws SQLException {
            fixture.db = db;
            fixture.rows = ROWS;
            fixture.pgSyncCommit = "off";
            fixture.setUp();
        }

        @Override
        void tearDownTrial() {
            fixture.tearDown();
        }
    }

    /** The bulk benchmark's states on a fresh table of {@link #ROWS} rows. */
    private static final class BulkStates extends States {
        final BulkUpdateBenchmark bench = new BulkUpdateBenchmark();
        final Lazy<BulkUpdateBenchmark.HibernateFixture> hibernate = optional(
                BulkUpdateBenchmark.HibernateFixture::new, h -> h.setUp(bench),
                BulkUpdateBenchmark.HibernateFixture::tearDown);
        final Lazy<BulkUpdateBenchmark.JooqFixture> jooq = optional(
                BulkUpdateBenchmark.JooqFixture::new, j -> j.setUp(bench), j -> { });
        final Lazy<BulkUpdateBenchmark.SpringDataFixture> spring = optional(
                BulkUpdateBenchmark.SpringDataFixture::new, d -> d.setUp(bench),
                BulkUpdateBenchmark.SpringDataFixture::tearDown);

        BulkStates(String db) throws SQLException {
            bench.db = db;
            bench.rows = ROWS;
            bench.pgSyncCommit = "off";
            bench.setUp();
        }

        @Override
        void tearDownTrial() {
            bench.tearDown();
        }
    }

    /**
     * PostgreSQL is mandatory in CI (as in every module's tests); elsewhere a machine without it runs the H2 cases
     * only.
     */
    private static void requireReachable(String db) {
        if (!db.equals("postgresql")) {
            return;
        }
        try (HikariDataSource pool = BenchmarkDatabase.POSTGRESQL.pool(); Connection c = pool.getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        } catch (RuntimeException | SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("PostgreSQL is required in CI (C4J_POSTGRES_URL or the default"
                        + " 127.0.0.1:5432/concurrency4j_test) but could not be reached", e);
            }
            Assumptions.abort("PostgreSQL not reachable: " + e.getMessage());
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static void execute(javax.sql.DataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** id → (version, price) of every row of the bulk table. */
    private static Map<Long, long[]> rows(javax.sql.DataSource pool) throws SQLException {
        Map<Long, long[]> rows = new HashMap<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, version, price FROM " + BulkUpdateBenchmark.TABLE)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return rows;
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
