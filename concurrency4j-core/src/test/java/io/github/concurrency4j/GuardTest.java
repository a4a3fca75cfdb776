package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

/** "Delete selected" and other bulk actions run only on rows nobody changed since the list was shown. */
class GuardTest {

    private static List<Identity> shown(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(id -> Identity.of(id, 1)).toList();
    }

    private static int deleteSelected(Connection c, String t, List<Identity> selected) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE id = ?")) {
            for (Identity i : selected) {
                ps.setLong(1, ((Number) i.key()).longValue());
                ps.addBatch();
            }
            int n = 0;
            for (int count : ps.executeBatch()) {
                n += Math.max(count, 0);
            }
            return n;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AllDatabases
    void unchangedSelectionLetsTheActionRunInOneTransaction(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 20);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        List<Identity> selected = shown(1, 10);

        int deleted = items.guard(selected, c -> deleteSelected(c, t, selected));

        assertThat(deleted).isEqualTo(10);
        assertThat(BulkFixtures.count(db, t)).isEqualTo(10);
        assertThat(items.find(1)).isEmpty();
        assertThat(items.find(11)).isPresent();
    }

    @AllDatabases
    void aChangeBetweenDisplayAndActionMakesTheActionRefuseAndLeavesTheDataUntouched(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 20);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        List<Identity> selected = shown(1, 10);          // the list as the user saw it
        items.update(4, 1L, Map.of("price", 400));       // meanwhile, another user edits one row...
        items.delete(8, 1L);                             // ...and deletes another
        var before = BulkFixtures.snapshot(db, t);
        AtomicBoolean ran = new AtomicBoolean();

        BulkConflictException e = catchThrowableOfType(BulkConflictException.class,
                () -> items.guard(selected, c -> {
                    ran.set(true);
                    return deleteSelected(c, t, selected);
                }));

        assertThat(ran).isFalse();
        assertThat(e.keys()).containsExactly(4L, 8L);
        assertThat(e.operation()).isEqualTo("guarded action");
        assertThat(e.rowCount()).isEqualTo(10);
        assertThat(e.conflicts().get(0).currentVersion()).hasValue(2);
        assertThat(e.conflicts().get(0).currentRow().orElseThrow().get("price")).isIn(400, 400L);
        assertThat(e.conflicts().get(1).isDeleted()).isTrue();
        assertThat(e.getMessage()).contains("Refused guarded action on 10 rows of " + t, "keys [4, 8]",
                "The action did not run");
        assertThat(BulkFixtures.snapshot(db, t)).isEqualTo(before);
    }

    @AllDatabases
    void tenThousandSelectedRowsAreCheckedAndActedOn(TestDatabase db) {
        int n = 10_000;
        String t = BulkFixtures.itemTable(db, n);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        List<Identity> selected = shown(1, n);

        int changed = items.guard(selected, c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("UPDATE " + t + " SET stock = 0, version = version + 1");
            }
        });
        assertThat(changed).isEqualTo(n);

        // The selection is stale now, everywhere: all 10,000 are reported.
        BulkConflictException e = catchThrowableOfType(BulkConflictException.class,
                () -> items.guard(selected, c -> 1));
        assertThat(e.keys()).hasSize(n);
        assertThat(e.conflicts().get(n - 1).currentVersion()).hasValue(2);
        assertThat(e.getMessage()).contains("9990 more in conflicts()");

        // One stale row among 10,000 is found.
        List<Identity> current = new ArrayList<>(shown(1, n).stream().map(i -> Identity.of(i.key(), 2)).toList());
        items.update(n / 2, 2L, Map.of("price", 1));
        assertThat(catchThrowableOfType(BulkConflictException.class, () -> items.guard(current, c -> 1)).keys())
                .containsExactly((long) n / 2);
    }

    @AllDatabases
    void theCheckedRowsStayLockedUntilTheActionEnds(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 5);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Long> writer = items.guard(shown(1, 5), c -> {
                // Another session tries to change a selected row between the check and the end of the action.
                Future<Long> w = other.submit(() -> {
                    try (Connection oc = db.rawConnection(); Statement s = oc.createStatement()) {
                        s.executeUpdate("UPDATE " + t + " SET price = 999, version = version + 1 WHERE id = 3");
                        return System.nanoTime();
                    }
                });
                pause(400);
                assertThat(w.isDone()).as("the other writer must wait for the action's transaction").isFalse();
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE " + t + " SET stock = 0");
                }
                return w;
            });
            writer.get(20, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        // The action's write and then the other writer's, in that order: nothing interleaved.
        assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 3")).isZero();
        assertThat(BulkFixtures.price(db, t, 3)).isEqualTo(999);
    }

    @AllDatabases
    void aFailingActionRollsBackAndTheErrorSaysSo(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());

        assertThatThrownBy(() -> items.guard(shown(1, 3), c -> {
            items.using(c).deleteAll(shown(1, 3), BulkPolicy.ABORT_ALL);
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("UPDATE no_such_table_x SET a = 1");
            }
        })).isInstanceOf(StatementFailedException.class)
                .hasMessageContaining("Could not run a guarded action on 3 selected rows of " + t)
                .hasMessageContaining("rolled back and nothing was saved");
        assertThatThrownBy(() -> items.guard(shown(1, 3), c -> {
            items.using(c).update(1, 1L, Map.of("price", 0));
            throw new IllegalStateException("the action changed its mind");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(BulkFixtures.count(db, t)).isEqualTo(3);
        assertThat(BulkFixtures.price(db, t, 1)).isEqualTo(1);
    }

    @AllDatabases
    void badSelectionsAreRefusedAndDisabledChecksLetTheActionRun(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable items = concurrency.table(t);

        assertThatThrownBy(() -> items.guard(null, c -> 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("selected must not be null");
        assertThatThrownBy(() -> items.guard(List.of(Identity.of(1, 1), Identity.of("1", 2)), c -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selected twice")
                .hasMessageContaining("versions 1 and 2");
        String twice = items.guard(List.of(Identity.of(1, 1), Identity.of(1L, 1)), c -> "same row twice is one row");
        assertThat(twice).isNotNull();
        String none = items.guard(List.of(), c -> "nothing selected");
        assertThat(none).isEqualTo("nothing selected");

        items.update(2, 1L, Map.of("price", 0));
        try (DisableScope off = concurrency.disable(t)) {
            String unchecked = items.guard(shown(1, 3), c -> "unchecked");
            assertThat(unchecked).isEqualTo("unchecked");
        }
        assertThatThrownBy(() -> items.guard(shown(1, 3), c -> "checked"))
                .isInstanceOf(BulkConflictException.class);
    }

    @AllDatabases
    void concurrentGuardsOverOverlappingSelectionsDoNotDeadlock(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 200);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        List<Identity> forward = shown(1, 200);
        List<Identity> backward = new ArrayList<>(forward);
        java.util.Collections.reverse(backward);

        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> items.guard(forward, c -> 1));
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> items.guard(backward, c -> 2));

        assertThat(a.get(30, TimeUnit.SECONDS) + b.get(30, TimeUnit.SECONDS)).isEqualTo(3);
    }
}
