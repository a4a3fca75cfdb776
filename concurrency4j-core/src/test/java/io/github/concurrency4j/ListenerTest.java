package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.DropTablesAfterEach;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link ConcurrencyListener}: what an operator counts, per table. */
@ExtendWith(DropTablesAfterEach.class)
class ListenerTest {
    private final TestDatabase db = TestDatabases.named("h2");

    /** Counts events per kind and table, as the Micrometer meters do. */
    static final class Counting implements ConcurrencyListener {
        final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        private void add(String what) {
            counts.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        long count(String what) {
            LongAdder a = counts.get(what);
            return a == null ? 0 : a.sum();
        }

        @Override
        public void conflict(RecordModifiedException conflict) {
            add("conflict " + conflict.table());
        }

        @Override
        public void retrying(String table, RuntimeException failure, int nextAttempt) {
            add("retry " + table);
        }

        @Override
        public void replicaFallback(String table) {
            add("fallback " + table);
        }
    }

    @Test
    void refusedWritesAndRetriedAttemptsAreCountedPerTable() {
        String t = Fixtures.productTable(db);
        Counting counting = new Counting();
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).listener(counting).build();
        VersionedTable products = concurrency.table(t);
        products.update(1, 1L, Map.of("price", 11));

        assertThatThrownBy(() -> products.update(1, 1L, Map.of("price", 12)))
                .isInstanceOf(RecordModifiedException.class);
        assertThatThrownBy(() -> products.updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 13))),
                BulkPolicy.ABORT_ALL)).isInstanceOf(BulkConflictException.class);
        assertThat(counting.count("conflict " + t)).isEqualTo(2);

        // The first attempt is made stale from outside; retry runs it again once.
        AtomicInteger attempts = new AtomicInteger();
        concurrency.retry(RetryPolicy.ofDefaults(), () -> {
            Row row = products.find(2).orElseThrow();
            if (attempts.incrementAndGet() == 1) {
                db.execute("UPDATE " + t + " SET stock = 0, version = version + 1 WHERE id = 2");
            }
            products.update(2, row.version(), Map.of("stock", 8));
        });
        assertThat(counting.count("retry " + t)).isEqualTo(1);
        assertThat(counting.count("conflict " + t)).isEqualTo(3);
    }

    @Test
    void aFailingListenerChangesNothingTheCallerSees() {
        String t = Fixtures.productTable(db);
        ConcurrencyListener broken = new ConcurrencyListener() {
            @Override
            public void conflict(RecordModifiedException conflict) {
                throw new IllegalStateException("metrics backend down");
            }
        };
        VersionedTable products = Concurrency.builder(db.dataSource()).table(t).listener(broken).build().table(t);
        products.update(1, 1L, Map.of("price", 11));
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("price", 12)))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(products.find(1).orElseThrow().get("price")).isEqualTo(11);
    }
}
