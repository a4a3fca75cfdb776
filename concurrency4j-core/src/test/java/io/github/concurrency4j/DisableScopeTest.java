package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class DisableScopeTest {

    @AllDatabases
    void disablingInOneThreadLeavesAnotherThreadChecked(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        products.update(1, 1L, Map.of("price", 11));   // version 1 is now stale

        CountDownLatch importerInsideScope = new CountDownLatch(1);
        CountDownLatch otherThreadDone = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Long> importer = pool.submit(() -> {
                try (DisableScope off = c.disable(t)) {
                    importerInsideScope.countDown();
                    // Stay inside the scope until the other thread has tried its stale write.
                    assertThat(otherThreadDone.await(30, TimeUnit.SECONDS)).isTrue();
                    return products.update(1, 1L, Map.of("name", "imported"));
                }
            });
            Future<Throwable> other = pool.submit(() -> {
                assertThat(importerInsideScope.await(30, TimeUnit.SECONDS)).isTrue();
                try {
                    products.update(1, 1L, Map.of("name", "stale web edit"));
                    return null;
                } catch (RecordModifiedException e) {
                    return e;
                } finally {
                    otherThreadDone.countDown();
                }
            });

            assertThat(other.get(60, TimeUnit.SECONDS)).isInstanceOf(RecordModifiedException.class);
            // The unchecked write still bumps the version: forms opened before the import are refused after it.
            assertThat(importer.get(60, TimeUnit.SECONDS)).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(products.find(1).orElseThrow().get("name")).isEqualTo("imported");
        assertThatThrownBy(() -> products.update(1, 2L, Map.of("name", "x"))).isInstanceOf(RecordModifiedException.class);
    }

    @AllDatabases
    void scopesNestAndEndWhenClosed(TestDatabase db) {
        String t = Fixtures.productTable(db);
        String other = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).table(other).build();
        VersionedTable products = c.table(t);
        VersionedTable others = c.table(other);

        try (DisableScope all = c.disable()) {
            try (DisableScope one = c.disable(t)) {
                products.update(1, null, Map.of("price", 1));
            }
            // The outer scope still covers every table.
            products.update(1, 99L, Map.of("price", 2));
            others.update(1, null, Map.of("price", 3));
        }
        assertThatThrownBy(() -> products.update(1, null, Map.of("price", 4))).isInstanceOf(MissingVersionException.class);

        try (DisableScope one = c.disable(t)) {
            products.update(1, null, Map.of("price", 5));
            assertThatThrownBy(() -> others.update(1, 1L, Map.of("price", 6)))
                    .isInstanceOf(RecordModifiedException.class);
        }
        assertThatThrownBy(() -> c.disable("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @AllDatabases
    void disableIncrementChecksButKeepsTheVersion(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);

        try (DisableScope noBump = c.disableIncrement(t)) {
            assertThat(products.update(1, 1L, Map.of("stock", 4))).isEqualTo(1);
            assertThat(products.update(1, 1L, Map.of("stock", 3))).isEqualTo(1);
            assertThatThrownBy(() -> products.update(1, 0L, Map.of("stock", 2)))
                    .isInstanceOf(RecordModifiedException.class);
        }
        assertThat(products.update(1, 1L, Map.of("stock", 2))).isEqualTo(2);
    }

    @AllDatabases
    void globallyDisabledEngineWritesUnchecked(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).enabled(false).build();
        assertThat(c.isEnabled()).isFalse();
        VersionedTable products = c.table(t);
        products.update(1, 1L, Map.of("price", 1));
        assertThat(products.update(1, 1L, Map.of("price", 2))).isEqualTo(3);
        products.delete(1, 1L);
        assertThat(products.find(1)).isEmpty();
    }

    @AllDatabases
    void uncheckedWritesReturnTheVersionTheDatabaseStoredForEveryStrategy(TestDatabase db) {
        String auto = Fixtures.productTable(db);
        String stamp = Fixtures.productTable(db);
        String cond = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(auto)
                .table(stamp, d -> d.version("version", VersionStrategy.timestamp()))
                .table(cond, d -> d.version("version", VersionStrategy.conditional().checkFields("price")))
                .clock(java.time.Clock.fixed(java.time.Instant.parse("2000-01-01T00:00:01Z"), java.time.ZoneOffset.UTC))
                .build();
        try (DisableScope off = c.disable()) {
            assertThat(c.table(auto).update(1, null, Map.of("price", 1))).isEqualTo(2);
            assertThat(c.table(auto).update(1, null, Map.of("price", 2))).isEqualTo(3);
            // One second after the epoch is 1,000,000 microseconds; then the version still rises by one.
            assertThat(c.table(stamp).update(1, null, Map.of("price", 1))).isEqualTo(1_000_000L);
            assertThat(c.table(stamp).update(1, null, Map.of("price", 2))).isEqualTo(1_000_001L);
            assertThat(c.table(cond).update(1, null, Map.of("stock", 1))).isEqualTo(1);
            assertThat(c.table(cond).update(1, null, Map.of("price", 99))).isEqualTo(2);
            assertThat(c.table(cond).update(1, null, Map.of("price", 99))).isEqualTo(2);
            assertThatThrownBy(() -> c.table(auto).update(77, null, Map.of("price", 1)))
                    .isInstanceOf(RowNotFoundException.class).hasMessageContaining("nothing was written");
        }
        assertThat(db.queryLong("SELECT version FROM " + auto + " WHERE id = 1")).isEqualTo(3);
        assertThat(db.queryLong("SELECT version FROM " + stamp + " WHERE id = 1")).isEqualTo(1_000_001L);
        assertThat(db.queryLong("SELECT version FROM " + cond + " WHERE id = 1")).isEqualTo(2);
    }

    @org.junit.jupiter.api.Test
    void aScopeMustBeClosedByItsOwnThread() throws Exception {
        io.github.concurrency4j.internal.DisableState state = new io.github.concurrency4j.internal.DisableState();
        DisableScope scope = state.open(io.github.concurrency4j.internal.DisableState.Mode.CHECK, java.util.Set.of());
        Thread other = new Thread(() -> assertThatThrownBy(scope::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed by the thread that opened it"));
        other.start();
        other.join();
        // Refused, and ended all the same: see aScopeClosedFromAnotherThreadStillEndsOnItsOwnersThread.
        assertThat(state.checkDisabled("x")).isFalse();
        scope.close();
        assertThat(state.checkDisabled("x")).isFalse();
    }

    /**
     * A scope opened on a pooled thread and closed from another one (a continuation that resumed elsewhere, a
     * try-with-resources around code that hopped threads): the close is refused as the bug it is, but the scope must
     * end all the same. Before, it stayed in force on the pooled thread, whose later tasks then wrote without checks:
     * a stale write there was acknowledged and overwrote another user's save.
     */
    @AllDatabases
    void aScopeClosedFromAnotherThreadStillEndsOnItsOwnersThread(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            DisableScope leaked = pool.submit(() -> c.disable(t)).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(leaked::close).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed by the thread that opened it");
            products.update(1, 1L, Map.of("price", 11));   // another user's save: version 1 is now stale

            Future<Object> stale = pool.submit(() -> {
                try {
                    return products.update(1, 1L, Map.of("price", 99));
                } catch (RecordModifiedException refused) {
                    return refused;
                }
            });

            assertThat(stale.get(30, TimeUnit.SECONDS)).as("the pooled thread's next stale write")
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
            assertThat(pool.submit(c::closeDisableScopes).get(30, TimeUnit.SECONDS)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @AllDatabases
    void closeDisableScopesEndsWhatAHandlerLeftOpenSoTheThreadsNextWritesAreChecked(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        products.update(1, 1L, Map.of("price", 11));   // version 1 is now stale

        // A handler that opened scopes and never closed them (no try-with-resources, an exception before close).
        DisableScope whole = c.disable(t);
        DisableScope increments = c.disableIncrement(t);
        assertThat(products.update(1, 1L, Map.of("name", "unchecked"))).isEqualTo(2L);

        assertThat(c.closeDisableScopes()).containsExactly(whole, increments);
        assertThat(c.closeDisableScopes()).isEmpty();
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("name", "stale after the request")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(products.find(1).orElseThrow().get("name")).isEqualTo("unchecked");
        assertThat(products.update(1, 2L, Map.of("name", "checked"))).isEqualTo(3L);
        whole.close();   // closing again is harmless
    }

    @AllDatabases
    void closeDisableScopesOnAWorkerHandsALentScopeBackWithoutClosingIt(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        products.update(1, 1L, Map.of("price", 11));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (DisableScope off = c.disable(t)) {
            Future<Integer> handedBack = pool.submit(off.wrap(() -> c.closeDisableScopes().size()));
            assertThat(handedBack.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            // The owner's scope is still open: its writes stay unchecked until it closes it.
            assertThat(products.update(1, 1L, Map.of("name", "imported"))).isEqualTo(3L);
            // The worker has no scope left.
            assertThat(pool.submit(() -> c.closeDisableScopes().size()).get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
