package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A PostgreSQL primary with a streaming hot standby ({@code scripts/pg-standby}), the engine built with
 * {@code readReplica(standby)}. Where a test needs the standby to be behind, it pauses WAL replay there
 * ({@code pg_wal_replay_pause}), which makes the lag certain instead of a matter of timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaTest extends OnPrimaryAndStandby {
    private final AtomicInteger fallbacks = new AtomicInteger();

    ReplicaTest() {
        super("replica");
    }

    private Concurrency engine(String table) {
        return Concurrency.builder(pg.node(PRIMARY)).readReplica(pg.node(STANDBY)).table(table)
                .listener(new ConcurrencyListener() {
                    @Override
                    public void replicaFallback(String t) {
                        fallbacks.incrementAndGet();
                    }
                }).build();
    }

    private long storedHits(String table, long id) {
        return pg.queryLong(PRIMARY, "SELECT hits FROM " + table + " WHERE id = " + id);
    }

    private void outsideWriteOnThePrimary(String sql) throws SQLException {
        try (Connection c = pg.raw(PRIMARY); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void readsComeFromTheStandbyButNeverShowThisEnginesOwnWriteOlder() throws Exception {
        String t = counterTable(2);
        VersionedTable table = engine(t).table(t);
        replay(false);

        // Someone else's write, which the paused standby does not have: find shows the standby's (older) row.
        outsideWriteOnThePrimary("UPDATE " + t + " SET hits = 50, version = 2 WHERE id = 2");
        assertThat(table.find(2L).orElseThrow().version()).as("row 2 as the paused standby has it").isEqualTo(1);

        // This engine's own writes: read back as written although the standby still has the old rows.
        long v = table.update(1L, 1L, Map.of("hits", 1));
        int before = fallbacks.get();
        Row mine = table.find(1L).orElseThrow();
        assertThat(fallbacks.get() - before).as("replica fallbacks counted").isEqualTo(1);
        assertThat(mine.version()).isEqualTo(v);
        assertThat(hits(mine)).isEqualTo(1);
        Identity inserted = table.insert(Map.of("id", 3L, "hits", 7L));
        assertThat(table.find(3L)).as("a row this engine inserted").isPresent();
        table.delete(3L, inserted.version());
        assertThat(table.find(3L)).as("a row this engine deleted").isEmpty();

        // Another application instance knows the version its user saved (from the form's token).
        VersionedTable elsewhere = engine(t).table(t);
        assertThat(elsewhere.find(1L).orElseThrow().version()).as("the standby's row").isEqualTo(1);
        assertThat(elsewhere.findAtLeast(1L, v).orElseThrow().version()).isEqualTo(v);
    }

    @Test
    void conflictReReadsAndRetryReadsGoToThePrimary() throws Exception {
        String t = counterTable(1);
        Concurrency concurrency = engine(t);
        VersionedTable table = concurrency.table(t);
        replay(false);
        outsideWriteOnThePrimary("UPDATE " + t + " SET hits = 10, version = 5 WHERE id = 1");

        Row stale = table.find(1L).orElseThrow();
        assertThat(stale.version()).as("the paused standby's row").isEqualTo(1);
        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                () -> table.update(1L, stale.version(), Map.of("hits", hits(stale) + 1)));
        assertThat(e.currentVersion()).as("the conflict carries the primary's row").hasValue(5);
        assertThat(hits(e.currentRow().orElseThrow())).isEqualTo(10);
        assertThat(table.isChanged(1L, 1L)).isTrue();

        // Read from the paused standby, every attempt would lose; read from the primary, the first one wins.
        AtomicInteger attempts = new AtomicInteger();
        concurrency.retry(RetryPolicy.ofDefaults(), () -> {
            attempts.incrementAndGet();
            Row row = table.find(1L).orElseThrow();
            table.update(1L, row.version(), Map.of("hits", hits(row) + 1));
        });
        assertThat(attempts.get()).isEqualTo(1);
        assertThat(storedHits(t, 1)).isEqualTo(11);
    }

    @Test
    void aLoneUsersSaveThenEditLoopIsNeverRefused() throws Exception {
        String t = counterTable(1);
        VersionedTable table = engine(t).table(t);
        int refusals = 0;
        int saves = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline && saves < 500) {
            Row row = table.find(1L).orElseThrow();
            try {
                table.update(1L, row.version(), Map.of("hits", hits(row) + 1));
                saves++;
            } catch (RecordModifiedException e) {
                refusals++;
            }
        }
        assertThat(saves).isPositive();
        assertThat(refusals).as("saves refused over the user's own previous save").isZero();
        assertThat(storedHits(t, 1)).isEqualTo(saves);
    }

    @Test
    void manyThreadsReadingFromTheStandbyAndWritingToThePrimaryLoseNothing() throws Exception {
        int rows = 4;
        String t = counterTable(rows);
        VersionedTable table = engine(t).table(t);
        AtomicLongArray acknowledged = new AtomicLongArray(rows + 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < 8; w++) {
                futures.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long id = ThreadLocalRandom.current().nextLong(1, rows + 1);
                        Row row = table.find(id).orElseThrow();
                        try {
                            table.update(id, row.version(), Map.of("hits", hits(row) + 1));
                            acknowledged.incrementAndGet((int) id);
                        } catch (RecordModifiedException lostRace) {
                            // Nothing written; the next round reads again.
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long total = 0;
        for (int id = 1; id <= rows; id++) {
            assertThat(storedHits(t, id)).as("row %d: stored hits == acknowledged", id).isEqualTo(acknowledged.get(id));
            total += acknowledged.get(id);
        }
        assertThat(total).isPositive();
        try (Connection c = pg.raw(STANDBY); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("reads really had a standby to go to").isTrue();
        }
    }
}
