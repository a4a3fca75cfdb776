package io.github.concurrency4j;

import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Property-based interleavings (issue 10): jqwik generates histories of two or three connections' steps - begin a
 * transaction at an isolation level, read a row, update or delete it from the version that connection last saw,
 * update it with no version ({@code versionRequired(false)}), update or delete both rows at once, commit, roll
 * back - and runs them against a real database, each connection on its own thread so that a step blocked by
 * another's lock waits while the history goes on. Whatever the history, the
 * acknowledged writes of the transactions that committed must explain the table exactly: for each row, their
 * versions form one chain 1, 2, 3, ... (no two acknowledged from the same version: no lost update; no gap: no
 * acknowledged write missing, no refused or rolled-back write applied), and the row holds the price of the last
 * link, or is gone if the chain ends in an acknowledged delete.
 *
 * <p>Every step that fails must fail as a conflict or an abort ({@link RecordModifiedException},
 * {@link RowNotFoundException}, {@link TransactionAbortedException}); the connection's transaction is then rolled
 * back when the database aborted it, as an application would. Failures found are kept below as {@code @Example}s.
 */
class InterleavedHistoriesTest {
    private static final long KEYS = 2;
    /** How long one step may take before the history goes on, taking it to wait for another connection's lock. */
    private static final long STEP_WAIT_MILLIS = 40;
    private static final Map<String, Fixture> FIXTURES = new ConcurrentHashMap<>();

    // ---------------------------------------------------------------- the properties, one per database

    @Property(tries = 30)
    void historiesOnH2KeepTheInvariant(@ForAll("h2") List<Step> history) throws Exception {
        check("h2", history);
    }

    @Property(tries = 30)
    void historiesOnSqliteKeepTheInvariant(@ForAll("sqlite") List<Step> history) throws Exception {
        check("sqlite", history);
    }

    @Property(tries = 30)
    void historiesOnPostgresqlKeepTheInvariant(@ForAll("postgresql") List<Step> history) throws Exception {
        check("postgresql", history);
    }

    @Property(tries = 30)
    void historiesOnMariadbKeepTheInvariant(@ForAll("mariadb") List<Step> history) throws Exception {
        check("mariadb", history);
    }

    // ---------------------------------------------------------------- failures jqwik found, kept as they shrank
    // The seeds are those of the generator of commit 85c8fe0 (before unchecked updates and deleteAll joined the
    // steps), so they no longer reproduce these histories; the histories themselves are the regression tests.

    /**
     * Found on main 5729fab (seed -8062980059274878439): c2's snapshot holds row 1 at version 1; c1 saves it; c2's
     * bulk save of row 1 from version 1 matched nothing, and the read-back of its snapshot called it "matched but
     * unchanged": acknowledged at version 1, nothing written.
     */
    @Example
    void mariadbBulkSaveFromAStaleSnapshotIsNotAcknowledged() throws Exception {
        check("mariadb", List.of(new Begin(2, Isolation.REPEATABLE_READ), new Read(2, 1), new Update(1, 1),
                new UpdateAll(2, BulkPolicy.SKIP_CONFLICTS)));
    }

    /** The same with a single-row update: the snapshot read after 0 rows turned the conflict into success. */
    @Example
    void mariadbUpdateFromAStaleSnapshotIsNotAcknowledged() throws Exception {
        check("mariadb", List.of(new Begin(2, Isolation.REPEATABLE_READ), new Read(2, 1), new Update(1, 1),
                new Update(2, 1)));
    }

    /**
     * Found on main 5729fab (seed 6201153865166848640): a transaction that read before another connection's commit
     * cannot write after it; SQLite says SQLITE_BUSY_SNAPSHOT, which is an abort (nothing saved, retry the
     * transaction), not a raw error.
     */
    @Example
    void sqliteWriteAfterAStaleReadIsAnAbort() throws Exception {
        check("sqlite", List.of(new Begin(1, Isolation.SERIALIZABLE), new Read(1, 1), new Update(2, 1),
                new Update(1, 1)));
    }

    /**
     * Found on main 5729fab (seed -1104854788634194056): c1 at REPEATABLE READ waits for c2's uncommitted save of
     * row 1; when c2 commits, PostgreSQL fails c1 with 40001, which is an abort, not a raw error.
     */
    @Example
    void postgresqlSerializationFailureIsAnAbort() throws Exception {
        check("postgresql", List.of(new Begin(1, Isolation.REPEATABLE_READ), new Begin(2, Isolation.READ_COMMITTED),
                new Update(2, 1), new Update(1, 1)));
    }

    /**
     * Found on main 5729fab: c1's REPEATABLE READ snapshot began with its read of row 1; c2 then saved row 2; c1's
     * write of row 2 fails in H2 with "Deadlock detected" (40001, the transaction rolled back), an abort.
     */
    @Example
    void h2WriteOfARowChangedAfterTheSnapshotIsAnAbort() throws Exception {
        check("h2", List.of(new Begin(1, Isolation.REPEATABLE_READ), new Read(1, 1), new Update(2, 2),
                new Update(1, 2)));
    }

    @Provide
    Arbitrary<List<Step>> h2() {
        return histories(TestDatabases.named("h2").isolationLevels());
    }

    @Provide
    Arbitrary<List<Step>> sqlite() {
        return histories(TestDatabases.named("sqlite").isolationLevels());
    }

    @Provide
    Arbitrary<List<Step>> postgresql() {
        return histories(TestDatabases.named("postgresql").isolationLevels());
    }

    @Provide
    Arbitrary<List<Step>> mariadb() {
        return histories(TestDatabases.named("mariadb").isolationLevels());
    }

    @AfterContainer
    static void dropTables() {
        FIXTURES.forEach((name, f) -> TestDatabases.named(name).execute("DROP TABLE IF EXISTS " + f.table()));
        FIXTURES.clear();
    }

    // ---------------------------------------------------------------- the steps

    /** One step of one connection (numbered from 1). */
    sealed interface Step {
        int conn();
    }

    record Begin(int conn, Isolation level) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " begin " + level;
        }
    }

    record Read(int conn, long key) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " read " + key;
        }
    }

    /** Sets a fresh price on the row, from the version this connection last saw (1 if it saw none). */
    record Update(int conn, long key) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " update " + key;
        }
    }

    record Delete(int conn, long key) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " delete " + key;
        }
    }

    /** Sets fresh prices on every row at once, each from the version this connection last saw. */
    /** Sets a fresh price with no version ({@code versionRequired(false)}): applied whatever the version is. */
    record UncheckedUpdate(int conn, long key) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " uncheckedUpdate " + key;
        }
    }

    /** Deletes every row at once, each from the version this connection last saw. */
    record DeleteAll(int conn, BulkPolicy policy) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " deleteAll " + policy;
        }
    }

    record UpdateAll(int conn, BulkPolicy policy) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " updateAll " + policy;
        }
    }

    record Commit(int conn) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " commit";
        }
    }

    record Rollback(int conn) implements Step {
        @Override
        public String toString() {
            return "c" + conn + " rollback";
        }
    }

    static Arbitrary<List<Step>> histories(List<Isolation> levels) {
        return Arbitraries.integers().between(2, 3).flatMap(connections -> steps(connections, levels)
                .list().ofMinSize(3).ofMaxSize(14));
    }

    private static Arbitrary<Step> steps(int connections, List<Isolation> levels) {
        Arbitrary<Integer> conn = Arbitraries.integers().between(1, connections);
        Arbitrary<Long> key = Arbitraries.longs().between(1, KEYS);
        return Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(conn, Arbitraries.of(levels)).as(Begin::new)),
                Tuple.of(4, Combinators.combine(conn, key).as(Read::new)),
                Tuple.of(5, Combinators.combine(conn, key).as(Update::new)),
                Tuple.of(1, Combinators.combine(conn, key).as(Delete::new)),
                Tuple.of(2, Combinators.combine(conn, key).as(UncheckedUpdate::new)),
                Tuple.of(2, Combinators.combine(conn, Arbitraries.of(BulkPolicy.class)).as(UpdateAll::new)),
                Tuple.of(1, Combinators.combine(conn, Arbitraries.of(BulkPolicy.class)).as(DeleteAll::new)),
                Tuple.of(3, conn.map(Commit::new)),
                Tuple.of(1, conn.map(Rollback::new)));
    }

    // ---------------------------------------------------------------- running a history

    private record Fixture(String table, Concurrency concurrency, Concurrency unchecked) {
    }

    /** One acknowledged write: the row, the version it was based on, the version it made (none: a delete). */
    private record Ack(int tx, long key, long from, Long to, long price) {
    }

    static void check(String database, List<Step> history) throws Exception {
        TestDatabase db = TestDatabases.all().stream().filter(d -> d.name().equals(database)).findFirst().orElse(null);
        if (db == null) {
            return; // Not reachable and not required (CI=true makes every database required).
        }
        Fixture f = FIXTURES.computeIfAbsent(database, n -> {
            String t = db.createTable("history", "id " + db.keyType() + " PRIMARY KEY, price BIGINT NOT NULL, "
                    + "version BIGINT NOT NULL");
            return new Fixture(t, Concurrency.builder(db.dataSource()).table(t).build(),
                    Concurrency.builder(db.dataSource()).versionRequired(false).table(t).build());
        });
        db.execute("DELETE FROM " + f.table(),
                "INSERT INTO " + f.table() + " (id, price, version) VALUES (1, 0, 1), (2, 0, 1)");
        List<String> violations;
        try (Run run = new Run(db, f)) {
            for (Step step : history) {
                run.submit(step);
            }
            run.finish();
            violations = run.verify();
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("On " + database + ", history " + history + ": " + String.join("; ", violations));
        }
    }

    /** The connections of one history, each with its own thread, and what the engine acknowledged to them. */
    private static final class Run implements AutoCloseable {
        private final TestDatabase db;
        private final Fixture fixture;
        private final Map<Integer, Session> sessions = new TreeMap<>();
        private final List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
        private final Set<Integer> committed = ConcurrentHashMap.newKeySet();
        private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger transactions = new AtomicInteger();
        private final AtomicLong prices = new AtomicLong(1000);

        Run(TestDatabase db, Fixture fixture) {
            this.db = db;
            this.fixture = fixture;
        }

        /** One connection: its thread, its transaction, and the version of each row it last saw. */
        private final class Session {
            final Connection connection;
            final ExecutorService thread;
            final VersionedTable table;
            final VersionedTable unchecked;
            final Map<Long, Long> seen = new HashMap<>();
            boolean inTransaction;
            int tx;
            Future<?> last;

            Session(int number) throws SQLException {
                connection = db.rawConnectionWithShortLockWaits();
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "history-c" + number);
                    t.setDaemon(true);
                    return t;
                });
                table = fixture.concurrency().table(fixture.table()).using(connection);
                unchecked = fixture.unchecked().table(fixture.table()).using(connection);
            }
        }

        void submit(Step step) throws Exception {
            Session s = sessions.get(step.conn());
            if (s == null) {
                s = new Session(step.conn());
                sessions.put(step.conn(), s);
            }
            Session session = s;
            session.last = session.thread.submit(() -> {
                perform(session, step);
                return null;
            });
            try {
                session.last.get(STEP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException waiting) {
                // Blocked by another connection's lock (or slow): the history goes on; this connection's next
                // steps queue behind it.
            }
        }

        /** Commits what is open, every connection at once, so that a connection waiting for another is freed. */
        void finish() throws Exception {
            for (Map.Entry<Integer, Session> e : sessions.entrySet()) {
                Session s = e.getValue();
                s.last = s.thread.submit(() -> {
                    perform(s, new Commit(e.getKey()));
                    return null;
                });
            }
            for (Session s : sessions.values()) {
                try {
                    s.last.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    unexpected.add("the end of the history failed: " + e.getCause());
                }
            }
        }

        private void perform(Session s, Step step) {
            try {
                if (step instanceof Begin b) {
                    if (!s.inTransaction) {
                        s.connection.setTransactionIsolation(b.level().jdbcLevel());
                        s.connection.setAutoCommit(false);
                        s.inTransaction = true;
                        s.tx = transactions.incrementAndGet();
                    }
                } else if (step instanceof Commit) {
                    if (s.inTransaction) {
                        try {
                            s.connection.commit();
                            committed.add(s.tx);
                        } catch (SQLException e) {
                            // The database refused the commit: nothing of the transaction was saved.
                            s.connection.rollback();
                        }
                        s.inTransaction = false;
                        s.connection.setAutoCommit(true);
                    }
                } else if (step instanceof Rollback) {
                    endByRollback(s);
                } else if (step instanceof Read r) {
                    read(s, step, r.key());
                } else if (step instanceof Update u) {
                    write(s, step, tx -> {
                        long from = s.seen.getOrDefault(u.key(), 1L);
                        long price = prices.incrementAndGet();
                        long to = s.table.update(u.key(), from, Map.of("price", price));
                        acks.add(new Ack(tx, u.key(), from, to, price));
                        s.seen.put(u.key(), to);
                    });
                } else if (step instanceof Delete d) {
                    write(s, step, tx -> {
                        long from = s.seen.getOrDefault(d.key(), 1L);
                        s.table.delete(d.key(), from);
                        acks.add(new Ack(tx, d.key(), from, null, 0));
                    });
                } else if (step instanceof UncheckedUpdate u) {
                    write(s, step, tx -> {
                        long price = prices.incrementAndGet();
                        long to = s.unchecked.update(u.key(), null, Map.of("price", price));
                        // Unchecked, it builds on whatever version was there: the one just before its own.
                        acks.add(new Ack(tx, u.key(), to - 1, to, price));
                        s.seen.put(u.key(), to);
                    });
                } else if (step instanceof DeleteAll d) {
                    write(s, step, tx -> {
                        List<Identity> rows = new ArrayList<>();
                        for (long key = 1; key <= KEYS; key++) {
                            rows.add(Identity.of(key, s.seen.getOrDefault(key, 1L)));
                        }
                        BulkResult result = s.table.deleteAll(rows, d.policy());
                        for (Identity deleted : result.saved()) {
                            acks.add(new Ack(tx, ((Number) deleted.key()).longValue(), deleted.version(), null, 0));
                        }
                        result.conflicts().forEach(c -> learn(s, c));
                    });
                } else if (step instanceof UpdateAll a) {
                    write(s, step, tx -> {
                        List<RowChange> changes = new ArrayList<>();
                        Map<Long, long[]> planned = new HashMap<>();
                        for (long key = 1; key <= KEYS; key++) {
                            long from = s.seen.getOrDefault(key, 1L);
                            long price = prices.incrementAndGet();
                            changes.add(RowChange.of(key, from, Map.of("price", price)));
                            planned.put(key, new long[] {from, price});
                        }
                        BulkResult result = s.table.updateAll(changes, a.policy());
                        for (Identity saved : result.saved()) {
                            long key = ((Number) saved.key()).longValue();
                            long[] p = planned.get(key);
                            acks.add(new Ack(tx, key, p[0], saved.version(), p[1]));
                            s.seen.put(key, saved.version());
                        }
                        result.conflicts().forEach(c -> learn(s, c));
                    });
                }
            } catch (SQLException e) {
                unexpected.add(step + " failed in the test itself: " + e);
            }
        }

        /** A read inside the connection's transaction; the database may abort it too (a lock wait, a deadlock). */
        private void read(Session s, Step step, long key) throws SQLException {
            try {
                s.table.find(key).ifPresent(row -> s.seen.put(key, row.version()));
            } catch (RuntimeException e) {
                if (Interleaving.isAbort(e)) {
                    endByRollback(s);
                } else {
                    unexpected.add(step + " failed with " + e + " instead of reading or aborting");
                    endByRollback(s);
                }
            }
        }

        @FunctionalInterface
        private interface Write {
            void run(int tx);
        }

        /** Runs a write in the connection's transaction, or in one of its own when none is open. */
        private void write(Session s, Step step, Write write) throws SQLException {
            int tx = s.inTransaction ? s.tx : transactions.incrementAndGet();
            try {
                write.run(tx);
                if (!s.inTransaction) {
                    committed.add(tx);
                }
            } catch (RuntimeException e) {
                if (Interleaving.isAbort(e)) {
                    endByRollback(s);
                } else if (e instanceof BulkConflictException b) {
                    b.conflicts().forEach(c -> learn(s, c));
                } else if (e instanceof RecordModifiedException c) {
                    learn(s, c);
                } else if (!(e instanceof RowNotFoundException)) {
                    unexpected.add(step + " failed with " + e + " instead of a conflict or an abort");
                    endByRollback(s);
                }
            }
        }

        /** A refused write shows the row as it is now, as a user reloading the form would see it. */
        private void learn(Session s, RecordModifiedException conflict) {
            conflict.currentVersion().ifPresent(v -> s.seen.put(((Number) conflict.key()).longValue(), v));
        }

        private void endByRollback(Session s) throws SQLException {
            if (s.inTransaction) {
                s.connection.rollback();
                s.inTransaction = false;
                s.connection.setAutoCommit(true);
            }
        }

        /** Checks that the committed acknowledged writes explain the table exactly. */
        List<String> verify() throws SQLException {
            List<String> violations = new ArrayList<>(unexpected);
            Map<Long, long[]> stored = new TreeMap<>();
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, price, version FROM " + fixture.table())) {
                while (rs.next()) {
                    stored.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
            List<Ack> all;
            synchronized (acks) {
                all = new ArrayList<>(acks);
            }
            for (long key = 1; key <= KEYS; key++) {
                long k = key;
                List<Ack> chain = all.stream().filter(a -> a.key() == k && committed.contains(a.tx()))
                        .sorted((a, b) -> Long.compare(a.from(), b.from())).toList();
                long version = 1;
                long price = 0;
                Ack delete = null;
                for (Ack a : chain) {
                    if (delete != null || a.from() != version) {
                        violations.add("row " + key + ": the acknowledged " + (a.to() == null ? "delete" : "update")
                                + " from version " + a.from() + (a.to() == null ? "" : " (price " + a.price() + ")")
                                + " does not continue the committed chain " + chain);
                        break;
                    }
                    if (a.to() == null) {
                        delete = a;
                    } else {
                        version = a.to();
                        price = a.price();
                    }
                }
                long[] row = stored.get(key);
                if (delete != null && row != null) {
                    violations.add("row " + key + " was deleted with acknowledgement but holds (price " + row[0]
                            + ", version " + row[1] + ")");
                } else if (delete == null && (row == null || row[0] != price || row[1] != version)) {
                    violations.add("row " + key + " should hold (price " + price + ", version " + version
                            + ") after the acknowledged writes " + chain + " but holds "
                            + (row == null ? "no row" : "(price " + row[0] + ", version " + row[1] + ")"));
                }
            }
            return violations;
        }

        @Override
        public void close() {
            for (Session s : sessions.values()) {
                s.thread.shutdownNow();
                try {
                    s.connection.close();
                } catch (SQLException ignored) {
                    // Closing ends whatever is open; the verdict is already taken.
                }
            }
        }
    }
}
