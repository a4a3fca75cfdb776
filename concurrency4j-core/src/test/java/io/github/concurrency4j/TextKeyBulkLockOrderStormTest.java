package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bulk updates of overlapping rows by eight threads, on a table whose key is text in mixed case ("a", "B", "c", "D",
 * ...). Java orders such keys one way (upper case before lower case), the key's index another (MariaDB's default
 * collations ignore case; PostgreSQL's ICU root collation puts "a" before "B" too): a call that locks its rows with one locking read in the index's order (rows checked
 * and unchecked, or values in two column sets) and a call that writes them in the order of its list took the same
 * rows in opposite orders and deadlocked (MariaDB: 9 of 160 calls, 6 in another run; PostgreSQL: none). Every call must end saved or refused by a conflict, never deadlocked, in
 * the caller's READ COMMITTED transaction and in the engine's own; and the version of each row must have risen by
 * exactly the number of updates reported saved for it, read back over a separate connection.
 */
class TextKeyBulkLockOrderStormTest {
    private static final int ROWS = 40;
    private static final int THREADS = 8;
    /** 10 in the suite; raise with -Dc4j.textKeyStormRounds for a longer proof. */
    private static final int ROUNDS = Integer.getInteger("c4j.textKeyStormRounds", 10);
    private static final int PER_CALL = 16;

    /** The shapes a call takes at random. */
    private enum Shape {
        /** Integers, every row checked: one statement per chunk, rows in the order of the list. */
        PLAIN,
        /** Each row checked or not: a locking read of all rows first, then two statements. */
        CHECKED_AND_UNCHECKED,
        /** Doubles into price or stock: a locking read first, then one JDBC batch per column. */
        COLUMN_SETS,
        /** Doubles into price only: one JDBC batch, rows in the order of the list. */
        ONE_BATCH
    }

    /** How the keys look. */
    private enum Keys {
        MIXED_CASE_TEXT
    }

    @ServerDatabases
    void bulkUpdatesOfTextKeysDoNotDeadlockWhateverTheKeysCollation(TestDatabase db) throws Exception {
        List<String> summary = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Keys keys : Keys.values()) {
            storm(db, keys, Isolation.READ_COMMITTED, broken, summary);
            storm(db, keys, null, broken, summary);
        }
        System.out.println("TextKeyBulkLockOrderStormTest [" + db.name() + "]\n" + String.join("\n", summary));
        assertThat(broken).as(String.join("\n", summary)).isEmpty();
    }

    /** Row {@code i}'s key: "a", "B", "c", ... then two letters, in mixed case. */
    private static String key(Keys keys, int i) {
        StringBuilder s = new StringBuilder();
        int n = i;
        do {
            char c = (char) ('a' + n % 26);
            s.append(s.length() % 2 == i % 2 ? Character.toUpperCase(c) : c);
            n /= 26;
        } while (n > 0);
        return s.toString();
    }

    private static void storm(TestDatabase db, Keys keys, Isolation level, List<String> broken, List<String> summary)
            throws Exception {
        // MariaDB's default collation ignores case; PostgreSQL's ICU root collation orders "a" before "B".
        String collation = db.name().equals("postgresql") ? " COLLATE \"und-x-icu\"" : "";
        String t = db.createTable("textitem", "id VARCHAR(40)" + collation + " PRIMARY KEY, price DOUBLE PRECISION, "
                + "stock DOUBLE PRECISION, version BIGINT NOT NULL");
        List<String> ids = new ArrayList<>();
        try (Connection c = db.rawConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (id, price, stock, version) "
                     + "VALUES (?, 1, 5, 1)")) {
            for (int i = 0; i < ROWS; i++) {
                ids.add(key(keys, i));
                ps.setString(1, key(keys, i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Concurrency concurrency = Concurrency.builder(db.dataSource()).versionRequired(false)
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build();
        VersionedTable items = concurrency.table(t);
        Map<String, AtomicInteger> updated = new ConcurrentHashMap<>();
        ids.forEach(id -> updated.put(id, new AtomicInteger()));
        AtomicInteger deadlocked = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < THREADS; th++) {
            long seed = 17L * th + keys.ordinal() * 5L + (level == null ? 3 : 0);
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < ROUNDS; round++) {
                    List<String> mine = new ArrayList<>(ids);
                    java.util.Collections.shuffle(mine, random);
                    mine = new ArrayList<>(mine.subList(0, PER_CALL));
                    Shape shape = Shape.values()[random.nextInt(Shape.values().length)];
                    BulkPolicy policy = random.nextBoolean() ? BulkPolicy.SKIP_CONFLICTS : BulkPolicy.ABORT_ALL;
                    calls.incrementAndGet();
                    try (Connection c = db.rawConnection()) {
                        if (level != null) {
                            c.setAutoCommit(false);
                            c.setTransactionIsolation(level.jdbcLevel());
                        }
                        Map<String, long[]> shown = versions(c, t);
                        List<RowChange> changes = new ArrayList<>();
                        for (String id : mine) {
                            long[] row = shown.get(id);
                            boolean checked = shape != Shape.CHECKED_AND_UNCHECKED || random.nextBoolean();
                            String column = shape == Shape.COLUMN_SETS && random.nextBoolean() ? "stock" : "price";
                            Object value = shape == Shape.PLAIN || shape == Shape.CHECKED_AND_UNCHECKED
                                    ? (Object) (int) (row[0] + 1) : (Object) (double) (row[0] + 1);
                            changes.add(new RowChange(id, checked ? row[1] : null, Map.of(column, value)));
                        }
                        BulkResult result = null;
                        try {
                            result = level == null ? items.updateAll(changes, policy)
                                    : items.using(c).updateAll(changes, policy);
                        } catch (BulkConflictException refused) {
                            // Nothing of the refused call is saved.
                        } catch (TransactionAbortedException e) {
                            deadlocked.incrementAndGet();
                            if (level != null) {
                                c.rollback();
                            }
                            continue;
                        }
                        if (level != null) {
                            c.commit();
                        }
                        if (result != null) {
                            result.saved().forEach(i -> updated.get((String) i.key()).incrementAndGet());
                        }
                    } catch (SQLException | RuntimeException e) {
                        failures.add(shape + ": " + e);
                    }
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        String label = keys + "/" + (level == null ? "own transaction" : level.toString());
        failures.forEach(m -> broken.add(label + ": " + m));
        if (deadlocked.get() != 0) {
            broken.add(label + ": " + deadlocked.get() + " of " + calls.get() + " calls deadlocked");
        }
        Map<String, long[]> end;
        try (Connection c = db.rawConnection()) {
            end = versions(c, t);
        }
        int wrong = 0;
        for (String id : ids) {
            long[] row = end.get(id);
            if (row == null || row[1] - 1 != updated.get(id).get()) {
                wrong++;
                broken.add(label + " row " + id + ": " + updated.get(id).get() + " updates reported saved, version "
                        + "rose by " + (row == null ? "(row gone)" : row[1] - 1));
            }
        }
        summary.add(label + ": " + deadlocked.get() + " of " + calls.get() + " calls deadlocked, " + wrong
                + " rows whose version disagrees with the updates reported");
    }

    /** Every row's price (as a whole number) and version, by key. */
    private static Map<String, long[]> versions(Connection c, String t) throws SQLException {
        Map<String, long[]> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, price, version FROM " + t);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), new long[] {(long) rs.getDouble(2), rs.getLong(3)});
            }
        }
        return rows;
    }
}
