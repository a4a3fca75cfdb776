package io.github.concurrency4j.internal;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.ConcurrencyException;
import io.github.concurrency4j.DisableScope;
import io.github.concurrency4j.GuardedAction;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordTable;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.TableDeclaration;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A table whose plain reads ({@code find}) go to a read replica while everything else goes to the primary: writes,
 * the re-read that fills a conflict (it runs on the write's own connection), {@code isChanged}, the guard's check,
 * and every read inside {@code Concurrency.retry} ({@link #onPrimary(Supplier)}).
 *
 * <p>A replica lags. So that a user who has just saved never reads their row older than they left it (and then
 * has their next save refused as if someone else had changed the row), every write through this engine leaves a
 * version floor for that row for a while ({@code ownWritesWindowNanos}); a replica read below the floor (or a row the
 * replica still shows after this engine deleted it, or does not show yet after this engine inserted it) is read
 * again from the primary. A replica that fails is not trusted either: the read goes to the primary.
 */
public final class ReplicaRoutedTable implements VersionedTable {
    private static final ThreadLocal<int[]> PRIMARY_ONLY = ThreadLocal.withInitial(() -> new int[1]);
    private static final int SWEEP_EVERY_WRITES = 1024;

    private final TableEngine primary;
    /** {@code null} in a caller's transaction ({@link #using}): every read goes to the primary. */
    private final TableEngine replica;
    private final long ownWritesWindowNanos;
    private final Map<Object, Floor> floors;
    private final AtomicInteger writesSinceSweep;
    private final ReplicaFallbacks fallbacks;

    /** What this engine last wrote to one row, and until when reads of it must not show anything older. */
    private record Floor(long version, boolean deleted, boolean primaryOnly, long untilNanos) {
    }

    /** Counts reads the replica could not answer, for operators. */
    @FunctionalInterface
    public interface ReplicaFallbacks {
        /** A read of {@code table} went to the primary because the replica was behind or failed. */
        void fellBack(String table);
    }

    public ReplicaRoutedTable(TableEngine primary, TableEngine replica, long ownWritesWindowNanos,
                              ReplicaFallbacks fallbacks) {
        this(primary, replica, ownWritesWindowNanos, new ConcurrentHashMap<>(), new AtomicInteger(), fallbacks);
    }

    private ReplicaRoutedTable(TableEngine primary, TableEngine replica, long ownWritesWindowNanos,
                               Map<Object, Floor> floors, AtomicInteger writesSinceSweep, ReplicaFallbacks fallbacks) {
        this.primary = primary;
        this.replica = replica;
        this.ownWritesWindowNanos = ownWritesWindowNanos;
        this.floors = floors;
        this.writesSinceSweep = writesSinceSweep;
        this.fallbacks = fallbacks;
    }

    /** Runs work with every read of every replica-routed table on the primary, as {@code retry} needs. */
    public static <T> T onPrimary(Supplier<T> work) {
        int[] depth = PRIMARY_ONLY.get();
        depth[0]++;
        try {
            return work.get();
        } finally {
            depth[0]--;
        }
    }

    private static boolean primaryOnly() {
        return PRIMARY_ONLY.get()[0] > 0;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<Row> find(Object key) {
        Object k = primary.key(key);
        if (replica == null || primaryOnly()) {
            return primary.find(k);
        }
        Floor floor = currentFloor(k);
        if (floor != null && floor.primaryOnly) {
            return fallBack(k);
        }
        Optional<Row> fromReplica;
        try {
            fromReplica = replica.find(k);
        } catch (ConcurrencyException e) {
            return fallBack(k);
        }
        if (floor != null && behind(fromReplica, floor)) {
            return fallBack(k);
        }
        return fromReplica;
    }

    private Optional<Row> fallBack(Object k) {
        fallbacks.fellBack(primary.name());
        return primary.find(k);
    }

    private static boolean behind(Optional<Row> fromReplica, Floor floor) {
        if (floor.deleted) {
            return fromReplica.isPresent();
        }
        return fromReplica.isEmpty() || fromReplica.get().version() < floor.version;
    }

    @Override
    public Optional<Row> find(Object key, long version) {
        Optional<Row> row = findAtLeast(key, version);
        return row.filter(r -> r.version() == version);
    }

    @Override
    public Optional<Row> findAtLeast(Object key, long minVersion) {
        Optional<Row> row = find(key);
        if (row.isPresent() && row.get().version() >= minVersion) {
            return row;
        }
        // Older than the caller knows the row to be, or not there yet: only the primary can tell.
        if (replica == null) {
            return row;
        }
        if (!primaryOnly()) {
            fallbacks.fellBack(primary.name());
        }
        return primary.find(primary.key(key));
    }

    @Override
    public Optional<Row> findCurrent(Object key) {
        // A read that decides a write: the replica's version may be one the primary has left behind.
        return primary.find(primary.key(key));
    }

    @Override
    public boolean isChanged(Object key, long version) {
        // A conflict check: a lagging replica would report "unchanged" for a row changed on the primary.
        return primary.isChanged(key, version);
    }

    private Floor currentFloor(Object k) {
        Floor f = floors.get(k);
        if (f == null) {
            return null;
        }
        if (System.nanoTime() - f.untilNanos > 0) {
            floors.remove(k, f);
            return null;
        }
        return f;
    }

    // ---------------------------------------------------------------- writes (all on the primary)

    private void wrote(Object key, long version, boolean deleted, boolean primaryOnly) {
        long until = System.nanoTime() + ownWritesWindowNanos;
        floors.merge(key, new Floor(version, deleted, primaryOnly, until), (old, now) -> !now.deleted
                && !now.primaryOnly && !old.deleted && old.version > now.version ? old : now);
        if (writesSinceSweep.incrementAndGet() >= SWEEP_EVERY_WRITES) {
            writesSinceSweep.set(0);
            long t = System.nanoTime();
            floors.values().removeIf(f -> t - f.untilNanos > 0);
        }
    }

    @Override
    public Identity insert(Map<String, ?> values) {
        Identity id = primary.insert(values);
        wrote(primary.key(id.key()), id.version(), false, false);
        return id;
    }

    @Override
    public long update(Object key, Long expectedVersion, Map<String, ?> changes) {
        long version = primary.update(key, expectedVersion, changes);
        wrote(primary.key(key), version, false, false);
        return version;
    }

    @Override
    public long updateWithoutIncrement(Object key, long expectedVersion, Map<String, ?> changes) {
        long version = primary.updateWithoutIncrement(key, expectedVersion, changes);
        // The version stays, but the values moved: reads of this row go to the primary for a while.
        wrote(primary.key(key), version, false, true);
        return version;
    }

    @Override
    public void check(Object key, long expectedVersion) {
        primary.check(key, expectedVersion);
    }

    @Override
    public void checkAndLock(Object key, long expectedVersion) {
        primary.checkAndLock(key, expectedVersion);
    }

    @Override
    public Identity restore(Map<String, ?> values, long lastVersion) {
        Identity id = primary.restore(values, lastVersion);
        wrote(primary.key(id.key()), id.version(), false, false);
        return id;
    }

    @Override
    public DisableScope disable(Object key) {
        return primary.disable(key);
    }

    @Override
    public void delete(Object key, Long expectedVersion) {
        primary.delete(key, expectedVersion);
        wrote(primary.key(key), Long.MAX_VALUE, true, false);
    }

    @Override
    public BulkResult updateAll(List<RowChange> changes, BulkPolicy policy) {
        return saved(primary.updateAll(changes, policy), false);
    }

    @Override
    public BulkResult updateAll(List<RowChange> changes) {
        return saved(primary.updateAll(changes), false);
    }

    @Override
    public BulkResult deleteAll(List<Identity> rows, BulkPolicy policy) {
        return saved(primary.deleteAll(rows, policy), true);
    }

    @Override
    public BulkResult deleteAll(List<Identity> rows) {
        return saved(primary.deleteAll(rows), true);
    }

    private BulkResult saved(BulkResult result, boolean deleted) {
        for (Identity saved : result.saved()) {
            wrote(primary.key(saved.key()), deleted ? Long.MAX_VALUE : saved.version(), deleted, false);
        }
        return result;
    }

    @Override
    public <T> T guard(Collection<Identity> selected, GuardedAction<T> action) {
        T result = primary.guard(selected, action);
        // The action may have changed or deleted the selected rows in ways this engine cannot see: read them from
        // the primary for a while.
        for (Identity id : selected) {
            wrote(primary.key(id.key()), id.version(), false, true);
        }
        return result;
    }

    // ---------------------------------------------------------------- the rest, as the primary table

    @Override
    public String name() {
        return primary.name();
    }

    @Override
    public TableDeclaration declaration() {
        return primary.declaration();
    }

    @Override
    public <R extends Record> RecordTable<R> as(Class<R> recordType) {
        // Records read and write through the primary table: one place for their version rules.
        return primary.as(recordType);
    }

    @Override
    public VersionedTable using(Connection connection) {
        // The caller's transaction lives on the primary; its reads must see its own writes. Its writes leave floors
        // like any other, so that once it commits this engine does not read them back older from the replica
        // (ReplicaCallersTransactionTest). A floor of a write the caller then rolls back sends reads of that row to
        // the primary for a while, which costs a read and shows nothing wrong.
        return new ReplicaRoutedTable((TableEngine) primary.using(connection), null, ownWritesWindowNanos, floors,
                writesSinceSweep, fallbacks);
    }

    @Override
    public String toString() {
        return primary + (replica == null ? " (in a transaction on the primary)" : " (reads from a replica)");
    }
}
