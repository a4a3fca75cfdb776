package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * deleteAll in a storm of updateAll over the same rows: a delete of a row changed since it was read is refused and
 * the row stays; a delete reported done is the row's end. Every surviving row's counter rose exactly by the updates
 * reported saved; no row is reported deleted twice; a row is gone only if a delete of it was reported done.
 */
class BulkDeleteStormTest {
    private static final int ROWS = 1_000;

    @AllDatabases
    void deletesInAStormOfUpdatesRemoveExactlyTheRowsReportedDeleted(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, ROWS);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        AtomicLongArray updated = new AtomicLongArray(ROWS + 1);
        AtomicLongArray deleted = new AtomicLongArray(ROWS + 1);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int th = 0; th < 8; th++) {
            boolean deleter = th < 2;
            long seed = th * 7919L;
            futures.add(pool.submit(() -> {
                Random random = new Random(seed);
                go.await();
                for (int round = 0; round < 10; round++) {
                    List<Long> ids = new ArrayList<>();
                    while (ids.size() < (deleter ? 40 : 150)) {
                        long id = 1 + random.nextInt(ROWS);
                        if (!ids.contains(id)) {
                            ids.add(id);
                        }
                    }
                    Map<Long, long[]> shown;
                    try (Connection c = db.dataSource().getConnection()) {
                        shown = read(c, t, ids);
                    }
                    BulkPolicy policy = round % 3 == 0 ? BulkPolicy.ABORT_ALL : BulkPolicy.SKIP_CONFLICTS;
                    try {
                        if (deleter) {
                            List<Identity> rows = new ArrayList<>();
                            shown.forEach((id, row) -> rows.add(Identity.of(id, row[1])));
                            items.deleteAll(rows, policy).saved()
                                    .forEach(i -> deleted.incrementAndGet(((Number) i.key()).intValue()));
                        } else {
                            List<RowChange> changes = new ArrayList<>();
                            shown.forEach((id, row) -> changes.add(RowChange.of(id, row[1],
                                    Map.of("price", row[0] + 1))));
                            items.updateAll(changes, policy).saved()
                                    .forEach(i -> updated.incrementAndGet(((Number) i.key()).intValue()));
                        }
                    } catch (BulkConflictException | TransactionAbortedException refused) {
                        // Nothing of the call was saved.
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
        Map<Long, List<Long>> end = BulkFixtures.snapshot(db, t);
        List<String> broken = new ArrayList<>();
        long gone = 0;
        for (long id = 1; id <= ROWS; id++) {
            long d = deleted.get((int) id);
            List<Long> row = end.get(id);
            if (d > 1 || (d == 1) != (row == null)) {
                broken.add("row " + id + ": reported deleted " + d + " times, in the table: " + (row != null));
            } else if (row != null && (row.get(0) - id != updated.get((int) id)
                    || row.get(1) - 1 != updated.get((int) id))) {
                broken.add("row " + id + ": " + updated.get((int) id) + " updates reported saved, counter rose by "
                        + (row.get(0) - id) + ", version by " + (row.get(1) - 1));
            }
            gone += d;
        }
        assertThat(broken).isEmpty();
        assertThat(gone).as("some deletes went through").isPositive();
        assertThat(end).hasSize((int) (ROWS - gone));
    }

    private static Map<Long, long[]> read(Connection c, String t, List<Long> ids) throws SQLException {
        Map<Long, long[]> rows = new HashMap<>();
        StringBuilder in = new StringBuilder();
        for (Long id : ids) {
            in.append(in.length() == 0 ? "" : ",").append(id);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, price, version FROM " + t + " WHERE id IN ("
                + in + ")"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return rows;
    }
}
