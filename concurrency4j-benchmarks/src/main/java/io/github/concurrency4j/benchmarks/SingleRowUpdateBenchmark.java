package io.github.concurrency4j.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleObjectStateException;
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
import org.openjdk.jmh.infra.ThreadParams;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One optimistic write of one row, the happy path, eight ways:
 *
 * <ul>
 *   <li>{@link #jdbcUpdate} — the baseline: the hand-written {@code UPDATE ... WHERE id = ? AND version = ?}, one
 *       pooled connection and one prepared statement per write, exactly as the engine handles them;</li>
 *   <li>{@link #engineUpdate} — {@code VersionedTable.update} with {@code autoIncrement()};</li>
 *   <li>{@link #engineConditionalUpdate} — the same with {@code conditional()}: the bump is decided inside the
 *       UPDATE ({@code CASE WHEN ... IS DISTINCT FROM}) and the new version comes back through RETURNING;</li>
 *   <li>{@link #hibernateUpdate} — Hibernate 6: load, compare the loaded version with the user's, modify, flush on
 *       commit ({@code @Version} check in the UPDATE);</li>
 *   <li>{@link #hibernateMerge} — Hibernate 6: {@code merge} of the detached row the user edited (Hibernate loads the
 *       row, refuses a stale version, flushes the UPDATE on commit);</li>
 *   <li>{@link #jooqStore} — jOOQ: an {@code UpdatableRecord} with a record version field and optimistic locking on,
 *       {@code store()};</li>
 *   <li>{@link #springDataSave} — Spring Data JDBC: {@code save} of an aggregate with {@code @Version};</li>
 *   <li>{@link #selectForUpdateThenUpdate} — the pessimistic way: lock the row, compare its version, update,
 *       commit.</li>
 * </ul>
 *
 * Each thread walks over rows of its own, so no write conflicts; {@code rows} shows whether cost (and allocation)
 * depends on the table's size.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.jboss.logging.provider=slf4j"})
@State(Scope.Thread)
public class SingleRowUpdateBenchmark {
    static final String TABLE = "bench_product";
    static final String CONDITIONAL_TABLE = "bench_product_conditional";

    /** What the engine sends for an autoIncrement table (it quotes identifiers; the statement is the same). */
    static final String JDBC_UPDATE =
            "UPDATE " + TABLE + " SET version = ?, name = ?, price = ? WHERE id = ? AND version = ?";
    static final String LOCK_ROW = "SELECT version FROM " + TABLE + " WHERE id = ? FOR UPDATE";
    static final String LOCKED_UPDATE = "UPDATE " + TABLE + " SET version = ?, name = ?, price = ? WHERE id = ?";

    /** The table and the pool, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Fixture {
        @Param({"h2", "postgresql"})
        public String db;

        @Param({"1000"})
        public int rows;

        /**
         * PostgreSQL only: {@code on} makes every commit wait for the disk flush (the server default), {@code off}
         * (the default here) measures the statements without this machine's disk. No effect on H2 in memory.
         */
        @Param({"off"})
        public String pgSyncCommit;

        HikariDataSource pool;
        VersionedTable products;

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            BenchmarkDatabase database = BenchmarkDatabase.named(db);
            pool = database.pool("on".equals(pgSyncCommit));
            database.createProductTable(pool, TABLE, rows);
            products = Concurrency.builder(pool)
                    .table(TABLE, t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                    .build()
                    .table(TABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    /** A second table, declared with a conditional version; built only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class ConditionalFixture {
        VersionedTable products;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) throws SQLException {
            BenchmarkDatabase.named(fixture.db).createProductTable(fixture.pool, CONDITIONAL_TABLE, fixture.rows);
            products = Concurrency.builder(fixture.pool)
                    .table(CONDITIONAL_TABLE, t -> t.key("id").version("version", VersionStrategy.conditional()))
                    .build()
                    .table(CONDITIONAL_TABLE);
        }
    }

    /** Hibernate's session factory; bootstrapped only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class HibernateFixture {
        SessionFactory sessions;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) {
            sessions = HibernateSessions.on(fixture.pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            sessions.close();
        }
    }

    /** jOOQ on the fixture's pool; set up only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class JooqFixture {
        DSLContext dsl;
        JooqProducts.ProductTable table;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) {
            dsl = JooqProducts.dsl(fixture.pool, BenchmarkDatabase.named(fixture.db));
            table = new JooqProducts.ProductTable(TABLE);
        }
    }

    /** A Spring Data JDBC context on the fixture's pool; started only for the benchmark that uses it. */
    @State(Scope.Benchmark)
    public static class SpringDataFixture {
        SpringDataProducts spring;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) {
            spring = SpringDataProducts.on(fixture.pool, TABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            spring.close();
        }
    }

    RowCursor cursor;

    @Setup(Level.Trial)
    public void setUp(Fixture fixture, ThreadParams thread) {
        start(fixture, thread.getThreadIndex(), thread.getThreadCount());
    }

    /** Outside JMH (the harness test), the thread's place is given directly. */
    void start(Fixture fixture, int threadIndex, int threadCount) {
        cursor = new RowCursor(fixture.rows, threadIndex, threadCount);
    }

    @Benchmark
    public long jdbcUpdate(Fixture fixture) throws SQLException {
        RowCursor row = cursor.advance();
        long next = row.version() + 1;
        try (Connection c = fixture.pool.getConnection(); PreparedStatement ps = c.prepareStatement(JDBC_UPDATE)) {
            ps.setLong(1, next);
            ps.setString(2, row.name());
            ps.setInt(3, row.price());
            ps.setLong(4, row.id());
            ps.setLong(5, row.version());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("row " + row.id() + " is not at version " + row.version());
            }
        }
        row.saved(next);
        return next;
    }

    @Benchmark
    public long engineUpdate(Fixture fixture) {
        RowCursor row = cursor.advance();
        long next = fixture.products.update(row.id(), row.version(), Map.of("name", row.name(), "price", row.price()));
        row.saved(next);
        return next;
    }

    @Benchmark
    public long engineConditionalUpdate(ConditionalFixture fixture) {
        RowCursor row = cursor.advance();
        long next = fixture.products.update(row.id(), row.version(), Map.of("name", row.name(), "price", row.price()));
        row.saved(next);
        return next;
    }

    @Benchmark
    public long hibernateUpdate(HibernateFixture fixture) {
        RowCursor row = cursor.advance();
        try (Session session = fixture.sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                HibernateProduct product = session.get(HibernateProduct.class, row.id());
                // The @Version check in the UPDATE only covers the time between this load and the flush; the
                // version the user read is compared here, as JPA applications do.
                if (product.getVersion() != row.version()) {
                    throw new StaleObjectStateException(HibernateProduct.class.getName(), row.id());
                }
                product.setName(row.name());
                product.setPrice(row.price());
                tx.commit();
                row.saved(product.getVersion());
                return product.getVersion();
            } finally {
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
        }
    }

    @Benchmark
    public long hibernateMerge(HibernateFixture fixture) {
        RowCursor row = cursor.advance();
        try (Session session = fixture.sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                HibernateProduct merged = session.merge(
                        new HibernateProduct(row.id(), row.name(), row.price(), row.version()));
                tx.commit();
                row.saved(merged.getVersion());
                return merged.getVersion();
            } finally {
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
        }
    }

    @Benchmark
    public long jooqStore(JooqFixture fixture) {
        RowCursor row = cursor.advance();
        JooqProducts.ProductRecord record = fixture.table.row(fixture.dsl, row.id(), row.version());
        record.set(fixture.table.name, row.name());
        record.set(fixture.table.price, row.price());
        record.store();
        long next = record.version();
        row.saved(next);
        return next;
    }

    @Benchmark
    public long springDataSave(SpringDataFixture fixture) {
        RowCursor row = cursor.advance();
        SpringDataProduct saved = fixture.spring.repository.save(
                new SpringDataProduct(row.id(), row.name(), row.price(), row.version()));
        row.saved(saved.getVersion());
        return saved.getVersion();
    }

    @Benchmark
    public long selectForUpdateThenUpdate(Fixture fixture) throws SQLException {
        RowCursor row = cursor.advance();
        long next = row.version() + 1;
        try (Connection c = fixture.pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement(LOCK_ROW)) {
                    lock.setLong(1, row.id());
                    try (ResultSet rs = lock.executeQuery()) {
                        // The pessimistic check: the row is locked, now compare with the version the user saw.
                        if (!rs.next() || rs.getLong(1) != row.version()) {
                            throw new IllegalStateException("row " + row.id() + " is not at version " + row.version());
                        }
                    }
                }
                try (PreparedStatement update = c.prepareStatement(LOCKED_UPDATE)) {
                    update.setLong(1, next);
                    update.setString(2, row.name());
                    update.setInt(3, row.price());
                    update.setLong(4, row.id());
                    update.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        row.saved(next);
        return next;
    }
}
