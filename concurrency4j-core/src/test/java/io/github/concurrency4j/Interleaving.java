package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Runs one cell of the isolation matrix and checks the invariant: a write is acknowledged if and only if its effect
 * is in the table after commit.
 *
 * <p>The table holds row 1 (price 10) and row 2 (price 20), both at version 1. The caller opens a transaction at
 * the cell's isolation level and reads what the cell says; then a competitor on another connection commits, in
 * auto-commit, a save ({@code price = 900, version = 2}) or a delete of row 1, conditional on version 1; then the
 * caller runs the operation on its connection and commits. Because the competitor's write is itself conditional
 * on version 1, the final table tells who won, whatever order the database put them in (a competitor blocked by
 * the caller's read lock runs after the caller's commit, and then finds nothing to change).
 */
final class Interleaving {
    /** How long the competitor may take before the caller goes on, assuming it waits for the caller's locks. */
    private static final long COMPETITOR_HEAD_START_MILLIS = 75;
    private static final int OTHER_PRICE = 900;
    private static final Map<String, Tables> TABLES = new ConcurrentHashMap<>();
    private static final Map<String, Engines> ENGINES = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Integer>> TALLY = new ConcurrentHashMap<>();
    private static final ExecutorService COMPETITORS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "matrix-competitor");
        t.setDaemon(true);
        return t;
    });

    private Interleaving() {
    }

    /** What the caller's transaction does before the competing commit. */
    enum Prior {
        /** Reads both rows: the snapshot (where the level takes one) holds version 1. */
        readTheRow,
        /** Reads a row of another table: the snapshot is taken, without the rows of this one. */
        readAnotherTable,
        /** Opens the transaction and reads nothing. */
        readNothing,
        /** No transaction of the caller's: each operation runs in auto-commit (or its own transaction). */
        autoCommit
    }

    /** What the competing connection commits between the caller's read and its write. */
    enum Competitor {
        otherSaved,
        otherDeleted,
        /** No competing commit: the caller's write is current and must be saved. */
        nobody
    }

    /**
     * The driver settings of the caller's connections: {@link #DEFAULT} (the test URL as it is) or URL options such
     * as {@code useAffectedRows=true}. The competitor and the final read always use the default settings.
     */
    record Driver(String urlOptions) {
        static final Driver DEFAULT = new Driver("");
    }

    /**
     * The version strategy of the table the caller writes: the checked and unchecked tables of {@link Caller} use
     * it. A {@link #trigger} table carries the database trigger that bumps the version on every update, the
     * competitor's included.
     */
    enum Strategy {
        autoIncrement(VersionStrategy.autoIncrement()),
        timestamp(VersionStrategy.timestamp()),
        trigger(VersionStrategy.trigger()),
        conditional(VersionStrategy.conditional()),
        /**
         * A trigger table whose trigger was dropped after the engine was built: the application's own UPDATE moves
         * the version (MissingTriggerAttackTest's case).
         */
        missingTrigger(VersionStrategy.trigger()),
        /**
         * Auto-increment versions on a table with no primary key or unique index, only a plain index on the key,
         * declared with {@code assumeUniqueKey()}: every write runs undoably and counts the rows it matched.
         */
        assumedUniqueKey(VersionStrategy.autoIncrement()),
        /** Auto-increment versions on a table whose key is text ({@code VARCHAR}): keys are given as "1", "2". */
        textKey(VersionStrategy.autoIncrement());

        private final VersionStrategy versionStrategy;

        Strategy(VersionStrategy versionStrategy) {
            this.versionStrategy = versionStrategy;
        }

        /** The key of row {@code n} as the caller passes it: text on a {@link #textKey} table, a number elsewhere. */
        Object key(long n) {
            return this == textKey ? Long.toString(n) : n;
        }

        /** Row {@code n}'s key as an SQL literal. */
        String literal(long n) {
            return this == textKey ? "'" + n + "'" : Long.toString(n);
        }
    }

    /** One cell: database, driver settings, isolation level, caller's first read, competing commit, strategy. */
    record Cell(TestDatabase db, Driver driver, Isolation level, Prior prior, Competitor competitor,
                Strategy strategy) {
        Cell(TestDatabase db, Isolation level, Prior prior, Competitor competitor) {
            this(db, Driver.DEFAULT, level, prior, competitor, Strategy.autoIncrement);
        }

        Cell(TestDatabase db, Driver driver, Isolation level, Prior prior, Competitor competitor) {
            this(db, driver, level, prior, competitor, Strategy.autoIncrement);
        }

        @Override
        public String toString() {
            String where = driver.urlOptions().isEmpty() ? db.name() : db.name() + " " + driver.urlOptions();
            String how = strategy == Strategy.autoIncrement ? "" : ", " + strategy;
            return "[" + where + how + ", " + level + ", " + prior + ", " + competitor + "]";
        }
    }

    /**
     * The caller's side of a cell: its connection, and the table through it three ways: checked with the default
     * auto-increment versions, unchecked ({@code versionRequired(false)}, null versions), and checked with a
     * conditional version that only {@code price} moves (so a write of {@code note} alone matches the row without
     * changing it).
     */
    record Caller(Connection connection, VersionedTable table, VersionedTable unchecked, VersionedTable conditional,
                  Concurrency concurrency, String tableName, Strategy strategy) {

        /** Row {@code n}'s key as the caller passes it (text on a text-key table). */
        Object key(long n) {
            return strategy.key(n);
        }

        /** Row {@code n}'s key as an SQL literal. */
        String literal(long n) {
            return strategy.literal(n);
        }
    }

    /** One operation of the matrix, run as the caller; it returns what it claims about each row it touched. */
    @FunctionalInterface
    interface Operation {
        Map<Long, Claim> run(Caller caller) throws Exception;
    }

    /** What a write was based on, which decides what its acknowledged effect must look like. */
    enum Basis {
        /** Checked against version 1, as the caller read it: it cannot also follow the competitor's commit. */
        FIRST_VERSION,
        /** Unchecked: it may follow the competitor's commit and overwrite it. */
        NONE,
        /** Read-modify-write of the price (+1), checked: it must build on whatever was committed before it. */
        CURRENT_PLUS_ONE,
        /**
         * Checked against version 1 without moving the version ({@code updateWithoutIncrement}): refused if the
         * competitor committed first; a competitor that committed after it still finds version 1 and may overwrite
         * it, by design.
         */
        FIRST_VERSION_KEPT
    }

    /** What the operation says about one row. */
    sealed interface Claim {
        static Claim wrote(long price, long version, Basis basis) {
            return new Wrote(price, version, basis);
        }

        static Claim deleted(Basis basis) {
            return new Deleted(basis);
        }

        static Claim refused(Throwable why) {
            return new Refused(why);
        }

        static Claim checked() {
            return new Checked();
        }
    }

    /**
     * The row passed a version check at version 1 without being written: no other write to it may have committed
     * before the check (one committed after it, once the caller's lock is gone, is the other user's right).
     */
    record Checked() implements Claim {
    }

    record Wrote(long price, long version, Basis basis) implements Claim {
    }

    record Deleted(Basis basis) implements Claim {
    }

    record Refused(Throwable why) implements Claim {
    }

    /** The tables of one database, made once per run and reset before each cell. */
    private record Tables(String table, String other) {
    }

    /** The engines over the tables, per database and driver settings. */
    private record Engines(Concurrency checked, Concurrency unchecked, Concurrency conditional,
                           HikariDataSource ownPool) {
    }

    private static Tables tables(TestDatabase db, Strategy strategy) {
        return TABLES.computeIfAbsent(db.name() + " " + strategy, n -> {
            String key = switch (strategy) {
                case textKey -> "id VARCHAR(20) PRIMARY KEY";
                case assumedUniqueKey -> "id " + db.keyType() + " NOT NULL";
                default -> "id " + db.keyType() + " PRIMARY KEY";
            };
            String t = db.createTable("matrix", key + ", price INT NOT NULL, note VARCHAR(20), "
                    + "version BIGINT NOT NULL");
            if (strategy == Strategy.assumedUniqueKey) {
                db.execute("CREATE INDEX " + t + "_ix ON " + t + " (id)");
            }
            if (strategy == Strategy.trigger || strategy == Strategy.missingTrigger) {
                Concurrency.builder(db.dataSource()).table(t, d -> d.version("version", VersionStrategy.trigger()))
                        .triggers(TriggerSettings.ofDefaults().withAutoCreate(true)).build();
            }
            String other = db.createTable("matrix_other", "id " + db.keyType() + " PRIMARY KEY, note VARCHAR(20)");
            db.execute("INSERT INTO " + other + " (id, note) VALUES (1, 'unrelated')");
            return new Tables(t, other);
        });
    }

    private static Engines engines(TestDatabase db, Driver driver, Strategy strategy, Tables tables) {
        return ENGINES.computeIfAbsent(db.name() + " " + strategy + " " + driver.urlOptions(), n -> {
            HikariDataSource own = null;
            DataSource ds = db.dataSource();
            if (!driver.urlOptions().isEmpty()) {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(db.url() + (db.url().contains("?") ? "&" : "?") + driver.urlOptions());
                config.setUsername(db.user());
                config.setPassword(db.password());
                config.setMaximumPoolSize(2);
                config.setPoolName("matrix-" + n);
                ds = own = new HikariDataSource(config);
            }
            String t = tables.table();
            VersionStrategy vs = strategy.versionStrategy;
            boolean assumed = strategy == Strategy.assumedUniqueKey;
            Engines engines = new Engines(
                    Concurrency.builder(ds).table(t, d -> unique(d.version("version", vs), assumed)).build(),
                    Concurrency.builder(ds).versionRequired(false)
                            .table(t, d -> unique(d.version("version", vs), assumed)).build(),
                    Concurrency.builder(ds).table(t, d -> unique(d.version("version",
                            VersionStrategy.conditional().checkFields("price")), assumed)).build(), own);
            if (strategy == Strategy.missingTrigger) {
                // Dropped behind the running engines' back, after their startup check found it.
                var triggers = engines.checked().triggers();
                String name = triggers.triggerName(io.github.concurrency4j.triggers.TriggerTarget.of(t, "version"));
                try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
                    for (String sql : triggers.dialect().dropVersionTrigger(name, t)) {
                        s.execute(sql);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            return engines;
        });
    }

    private static TableDeclaration unique(TableDeclaration d, boolean assumed) {
        return assumed ? d.assumeUniqueKey() : d;
    }

    static void dropTables() {
        for (Engines e : ENGINES.values()) {
            if (e.ownPool() != null) {
                e.ownPool().close();
            }
        }
        ENGINES.clear();
        for (Map.Entry<String, Tables> e : TABLES.entrySet()) {
            TestDatabase db = io.github.concurrency4j.testing.TestDatabases.named(e.getKey().split(" ")[0]);
            db.execute("DROP TABLE IF EXISTS " + e.getValue().table(), "DROP TABLE IF EXISTS " + e.getValue().other());
        }
        TABLES.clear();
    }

    /** Prints how each operation ended, per database and level: the figures of the table in docs/core.md. */
    static void printTally() {
        new TreeMap<>(TALLY).forEach((k, v) -> System.out.println("[isolation matrix] " + k + " " + new TreeMap<>(v)));
        TALLY.clear();
    }

    /** Runs the cell with this operation as the caller's write, and asserts the invariant both ways. */
    static void run(Cell cell, String operation, Operation op) throws Exception {
        TestDatabase db = cell.db();
        Tables tables = tables(db, cell.strategy());
        Engines engines = engines(db, cell.driver(), cell.strategy(), tables);
        reset(db, tables, cell.strategy());
        boolean ownTransaction = cell.prior() != Prior.autoCommit;
        Map<Long, Claim> claims;
        Throwable thrown = null;
        SQLException commitFailure = null;
        Future<Integer> competitor = null;
        boolean otherFirst = false;
        DataSource callers = engines.ownPool() != null ? engines.ownPool() : db.dataSource();
        try (Connection c = callers.getConnection()) {
            c.setTransactionIsolation(cell.level().jdbcLevel());
            c.setAutoCommit(!ownTransaction);
            try {
                readFirst(c, cell.prior(), tables);
                competitor = COMPETITORS.submit(() -> compete(db, tables.table(), cell.competitor(),
                        cell.strategy()));
                try {
                    competitor.get(COMPETITOR_HEAD_START_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException waitingForOurLocks) {
                    // Go on: the competitor commits after our transaction ends, and finds version 1 gone.
                } catch (ExecutionException ignored) {
                    // Read again below, after our commit.
                }
                otherFirst = competitor.isDone();
                String t = tables.table();
                Caller caller = new Caller(c, engines.checked().table(t).using(c),
                        engines.unchecked().table(t).using(c), engines.conditional().table(t).using(c),
                        engines.checked(), t, cell.strategy());
                try {
                    claims = op.run(caller);
                } catch (Exception e) {
                    thrown = e;
                    claims = Map.of();
                }
                if (ownTransaction) {
                    try {
                        c.commit();
                    } catch (SQLException e) {
                        commitFailure = e;
                        c.rollback();
                    }
                }
            } finally {
                if (ownTransaction) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
        Integer otherCount;
        Throwable otherFailure = null;
        try {
            otherCount = competitor.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            otherCount = 0;
            otherFailure = e.getCause();
        }
        Map<Long, long[]> stored = read(db, tables.table());
        List<String> violations = new ArrayList<>();
        String outcome = judge(cell, claims, thrown, commitFailure, otherCount, otherFirst, stored, violations);
        String where = (cell.driver().urlOptions().isEmpty() ? db.name() : db.name() + " " + cell.driver().urlOptions())
                + (cell.strategy() == Strategy.autoIncrement ? "" : " " + cell.strategy());
        TALLY.computeIfAbsent(where + " " + cell.level() + " " + operation, k -> new ConcurrentHashMap<>())
                .merge(outcome, 1, Integer::sum);
        if (!violations.isEmpty()) {
            AssertionError e = new AssertionError(operation + " " + cell + ": " + String.join("; ", violations)
                    + ".\n  caller: " + describe(claims, thrown, commitFailure)
                    + "\n  competitor (" + cell.competitor() + "): " + (otherFailure != null ? otherFailure
                    : otherCount + " row(s)") + "\n  table after both: " + describe(stored));
            if (thrown != null) {
                e.initCause(thrown);
            }
            throw e;
        }
    }

    /**
     * Classifies the outcome and adds every broken promise to {@code violations}.
     *
     * @return {@code written}, {@code partly written}, {@code conflict} or {@code aborted}
     */
    private static String judge(Cell cell, Map<Long, Claim> claims, Throwable thrown, SQLException commitFailure,
                                int otherCount, boolean otherFirst, Map<Long, long[]> stored,
                                List<String> violations) {
        boolean otherWrote = otherCount == 1;
        String outcome;
        Map<Long, Claim> effective = new TreeMap<>(claims);
        if (thrown != null) {
            if (isAbort(thrown)) {
                outcome = "aborted";
            } else if (thrown instanceof RecordModifiedException || thrown instanceof RowNotFoundException) {
                outcome = "conflict";
                if (!otherWrote) {
                    violations.add("refused with " + thrown.getClass().getSimpleName()
                            + " although no other write committed");
                }
            } else {
                outcome = "error";
                violations.add("failed with " + thrown + " instead of writing or refusing with a conflict or abort "
                        + "exception");
            }
            effective.clear();
        } else if (commitFailure != null) {
            outcome = "aborted";
            effective.clear();
        } else if (claims.values().stream().anyMatch(Refused.class::isInstance)) {
            outcome = "partly written";
        } else {
            outcome = "written";
        }
        for (long key = 1; key <= 2; key++) {
            long[] row = stored.get(key);
            long[] untouched = key == 1 && otherWrote
                    ? (cell.competitor() == Competitor.otherDeleted ? null : new long[] {OTHER_PRICE, 2})
                    : new long[] {key * 10, 1};
            Claim claim = effective.get(key);
            if (claim instanceof Checked) {
                if (key == 1 && otherWrote && otherFirst) {
                    violations.add("row 1 passed a check at version 1 although the other connection's commit had "
                            + "already replaced version 1");
                }
                claim = null;
            }
            if (claim instanceof Wrote w && w.basis() == Basis.FIRST_VERSION_KEPT && key == 1 && otherWrote) {
                if (otherFirst) {
                    violations.add("row 1 was written on version 1 after the other connection's commit from "
                            + "version 1 had replaced it: a lost update");
                }
                // The competitor came after the caller's commit and still found version 1: its values stand.
                claim = null;
            }
            if (claim instanceof Wrote w) {
                if (row == null || row[0] != w.price() || row[1] != w.version()) {
                    violations.add("acknowledged write of row " + key + " (price " + w.price() + ", version "
                            + w.version() + ") is not in the table");
                }
                if (w.basis() == Basis.FIRST_VERSION && key == 1 && otherWrote) {
                    violations.add("row 1 was written on version 1 after the other connection's commit from "
                            + "version 1 was acknowledged too: a lost update");
                }
                if (w.basis() == Basis.CURRENT_PLUS_ONE && w.price() != (otherWrote ? OTHER_PRICE : 10) + 1) {
                    violations.add("retried write of row 1 set price " + w.price() + ", not built on the "
                            + "committed price " + (otherWrote ? OTHER_PRICE : 10));
                }
            } else if (claim instanceof Deleted d) {
                if (row != null) {
                    violations.add("acknowledged delete of row " + key + " did not happen");
                }
                if (d.basis() == Basis.FIRST_VERSION && key == 1 && otherWrote) {
                    violations.add("row 1 was deleted on version 1 after the other connection's commit from "
                            + "version 1 was acknowledged too");
                }
            } else if (claim instanceof Refused && !(key == 1 && otherWrote)) {
                violations.add("row " + key + " was refused as a conflict although no other write to it committed");
            } else if (!java.util.Arrays.equals(row, untouched)) {
                violations.add("row " + key + " was reported " + (claim == null ? "untouched" : "refused")
                        + " but holds " + describe(row) + " instead of " + describe(untouched));
            }
        }
        return outcome;
    }

    /**
     * Whether the database aborted the transaction: a {@link TransactionAbortedException}, possibly wrapped by a
     * conflict handler or an exception of the caller's.
     */
    static boolean isAbort(Throwable t) {
        for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof TransactionAbortedException) {
                return true;
            }
        }
        return false;
    }

    /** Rows 1 and 2 at version 1, in one transaction: one commit (one log flush) per cell. */
    private static void reset(TestDatabase db, Tables tables, Strategy strategy) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("DELETE FROM " + tables.table());
            s.executeUpdate("INSERT INTO " + tables.table() + " (id, price, note, version) VALUES ("
                    + strategy.literal(1) + ", 10, 'n', 1), (" + strategy.literal(2) + ", 20, 'n', 1)");
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static void readFirst(Connection c, Prior prior, Tables tables) throws SQLException {
        String sql = switch (prior) {
            case readTheRow -> "SELECT id, price, version FROM " + tables.table();
            case readAnotherTable -> "SELECT note FROM " + tables.other();
            case readNothing, autoCommit -> null;
        };
        if (sql != null) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            }
        }
    }

    /** The competing commit: conditional on version 1, like any checked write made from the same read. */
    private static int compete(TestDatabase db, String table, Competitor competitor, Strategy strategy)
            throws SQLException {
        String one = strategy.literal(1);
        String sql = switch (competitor) {
            case otherSaved -> "UPDATE " + table + " SET price = " + OTHER_PRICE + ", version = 2 "
                    + "WHERE id = " + one + " AND version = 1";
            case otherDeleted -> "DELETE FROM " + table + " WHERE id = " + one + " AND version = 1";
            case nobody -> null;
        };
        if (sql == null) {
            return 0;
        }
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private static Map<Long, long[]> read(TestDatabase db, String table) throws SQLException {
        Map<Long, long[]> rows = new TreeMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, price, version FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return rows;
    }

    private static String describe(Map<Long, Claim> claims, Throwable thrown, SQLException commitFailure) {
        if (thrown != null) {
            return "threw " + thrown;
        }
        return "claimed " + claims + (commitFailure != null ? ", then the commit failed: " + commitFailure : "");
    }

    private static String describe(Map<Long, long[]> rows) {
        StringBuilder b = new StringBuilder("{");
        rows.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append("=").append(describe(v)));
        return b.append("}").toString();
    }

    private static String describe(long[] row) {
        return row == null ? "no row" : "(price " + row[0] + ", version " + row[1] + ")";
    }
}
