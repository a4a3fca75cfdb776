package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The seed's ways of switching checks off, in Java form: one row ({@code disable_concurrency(instance)}), carried
 * to worker threads on request, per table in the declaration ({@code enabled}, {@code increment}), and as
 * functions (the decorators), plus the per-call "check but don't bump".
 */
class DisableRecipesTest {

    @AllDatabases
    void rowScopeWritesThatRowUncheckedAndLeavesTheOtherRowsChecked(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);

        try (DisableScope off = products.disable(1)) {
            // A string key, as a web form hands it over, names the same row.
            assertThat(products.update("1", null, Map.of("name", "restored"))).isEqualTo(2);
            assertThat(products.update(1, 99L, Map.of("price", 13))).isEqualTo(3);
            assertThatThrownBy(() -> products.update(2, null, Map.of("name", "x")))
                    .isInstanceOf(MissingVersionException.class);
            assertThatThrownBy(() -> products.update(2, 5L, Map.of("name", "x")))
                    .isInstanceOf(RecordModifiedException.class);
            BulkResult bulk = products.updateAll(List.of(RowChange.of(1, 1L, Map.of("stock", 1)),
                    RowChange.of(2, 5L, Map.of("stock", 1))));
            assertThat(bulk.savedVersions()).containsOnlyKeys(1L);
            assertThat(bulk.conflictKeys()).containsExactly(2L);
            // The guard does not check the disabled row; it still checks the other one.
            String ran = products.guard(List.of(Identity.of(1, 1L), Identity.of(2, 1L)), tx -> "ran");
            assertThat(ran).isEqualTo("ran");
            assertThatThrownBy(() -> products.guard(List.of(Identity.of(2, 5L)), tx -> "ran"))
                    .isInstanceOf(BulkConflictException.class);
        }
        assertThatThrownBy(() -> products.update(1, null, Map.of("name", "after"))).isInstanceOf(MissingVersionException.class);
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("name", "after"))).isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("restored");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(4);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("pear");
    }

    @AllDatabases
    void rowScopeLetsADeleteThroughUnchecked(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        try (DisableScope off = products.disable(2)) {
            products.delete(2, null);
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t)).isEqualTo(1);
    }

    @AllDatabases
    void workersRunCheckedUnlessTheScopeIsWrappedIntoTheirTasks(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (DisableScope off = c.disable(t)) {
            // The default: the scope stays in the thread that opened it.
            Future<Long> plain = pool.submit(() -> products.update(1, null, Map.of("name", "blind")));
            assertThatThrownBy(plain::get).hasCauseInstanceOf(MissingVersionException.class);

            // Asked for: every task carries the scope, on whichever worker runs it.
            List<Future<Long>> imported = new ArrayList<>();
            for (int key = 1; key <= 2; key++) {
                int k = key;
                imported.add(pool.submit(off.wrap(() -> products.update(k, null, Map.of("name", "imported " + k)))));
            }
            for (Future<Long> f : imported) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(2);
            }
            java.util.concurrent.Executor carrying = off.wrap(pool);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            carrying.execute(() -> {
                products.update(2, null, Map.of("stock", 70));
                done.countDown();
            });
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

            // The worker's own state is untouched after the task: the same threads run checked again.
            for (int i = 0; i < 4; i++) {
                Future<Long> after = pool.submit(() -> products.update(1, null, Map.of("name", "blind again")));
                assertThatThrownBy(after::get).hasCauseInstanceOf(MissingVersionException.class);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("imported 1");
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("imported 2");
        assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 2")).isEqualTo(70);
    }

    @AllDatabases
    void aWrappedTaskThatStartsAfterTheScopeClosedRunsChecked(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Callable<Long> late;
            try (DisableScope off = c.disable(t)) {
                late = off.wrap(() -> products.update(1, null, Map.of("name", "too late")));
            }
            Future<Long> f = pool.submit(late);
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(MissingVersionException.class);
            // A row scope carried to a worker covers that row only.
            try (DisableScope row = products.disable(2)) {
                assertThat(pool.submit(row.wrap(() -> products.update(2, null, Map.of("name", "row 2")))).get())
                        .isEqualTo(2);
                assertThatThrownBy(() -> pool.submit(row.wrap(() -> products.update(1, null, Map.of("name", "x"))))
                        .get()).hasCauseInstanceOf(MissingVersionException.class);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("apple");
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("row 2");
    }

    @AllDatabases
    void aTableDeclaredDisabledWritesUncheckedAndStillBumps(TestDatabase db) {
        String off = Fixtures.productTable(db);
        String on = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(off, d -> d.enabled(false))
                .table(on)
                .build();
        assertThat(c.table(off).declaration().isEnabled()).isFalse();
        assertThat(c.table(off).update(1, null, Map.of("price", 1))).isEqualTo(2);
        assertThat(c.table(off).update(1, 1L, Map.of("price", 2))).isEqualTo(3);
        assertThatThrownBy(() -> c.table(on).update(1, 7L, Map.of("price", 3)))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryLong("SELECT price FROM " + off + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT version FROM " + off + " WHERE id = 1")).isEqualTo(3);
        assertThat(db.queryLong("SELECT price FROM " + on + " WHERE id = 1")).isEqualTo(10);
    }

    @AllDatabases
    void aTableDeclaredWithoutIncrementChecksButKeepsItsVersion(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t, d -> d.increment(false)).build();
        VersionedTable products = c.table(t);
        assertThat(products.update(1, 1L, Map.of("stock", 4))).isEqualTo(1);
        assertThat(products.update(1, 1L, Map.of("stock", 3))).isEqualTo(1);
        assertThatThrownBy(() -> products.update(1, 2L, Map.of("stock", 2))).isInstanceOf(RecordModifiedException.class);
        BulkResult bulk = products.updateAll(List.of(RowChange.of(1, 1L, Map.of("stock", 9))));
        assertThat(bulk.savedVersions()).containsEntry(1L, 1L);
        assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 1")).isEqualTo(9);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(1);
    }

    @AllDatabases
    void triggerTablesCannotBeDeclaredWithoutIncrement(TestDatabase db) {
        assertThatThrownBy(() -> Concurrency.builder(db.dataSource())
                .table("anything", d -> d.version("version", VersionStrategy.trigger()).increment(false)))
                .isInstanceOf(DeclarationException.class).hasMessageContaining("increment(false)");
    }

    @AllDatabases
    void functionalFormsReturnTheWorksValueAndRestoreChecksEvenWhenItThrows(TestDatabase db) {
        String t = Fixtures.productTable(db);
        String other = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).table(other).build();
        VersionedTable products = c.table(t);

        long v = c.withoutChecks(() -> products.update(1, null, Map.of("price", 1)));
        assertThat(v).isEqualTo(2);
        c.withoutChecks(t, () -> products.delete(2, null));
        assertThatThrownBy(() -> c.withoutChecks(t, () -> c.table(other).update(1, null, Map.of("price", 1))))
                .isInstanceOf(MissingVersionException.class);
        assertThatThrownBy(() -> c.withoutChecks(() -> {
            products.update(1, null, Map.of("price", 2));
            throw new IllegalStateException("import failed half-way");
        })).hasMessage("import failed half-way");
        // The failed work's scope is closed: checks are back.
        assertThatThrownBy(() -> products.update(1, null, Map.of("price", 3))).isInstanceOf(MissingVersionException.class);

        long same = c.withoutIncrement(t, () -> products.update(1, 3L, Map.of("stock", 0)));
        assertThat(same).isEqualTo(3);
        c.withoutIncrement(t, () -> products.update(1, 3L, Map.of("stock", 1)));
        assertThat(products.update(1, 3L, Map.of("stock", 2))).isEqualTo(4);
        assertThatThrownBy(() -> c.withoutIncrement("nope", () -> 1)).isInstanceOf(IllegalArgumentException.class);

        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(4);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE id = 2")).isZero();
    }

    @AllDatabases
    void updateWithoutIncrementChecksWritesAndKeepsTheVersionForEveryStrategy(TestDatabase db) {
        String auto = Fixtures.productTable(db);
        String stamp = Fixtures.productTable(db);
        String cond = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(auto)
                .table(stamp, d -> d.version("version", VersionStrategy.timestamp()))
                .table(cond, d -> d.version("version", VersionStrategy.conditional().checkFields("price")))
                .build();
        for (String t : List.of(auto, stamp, cond)) {
            VersionedTable table = c.table(t);
            assertThat(table.updateWithoutIncrement(1, 1L, Map.of("price", 99, "stock", 0))).isEqualTo(1);
            assertThatThrownBy(() -> table.updateWithoutIncrement(1, 2L, Map.of("stock", 5)))
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(99);
            assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 1")).isZero();
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(1);
        }
    }
}
