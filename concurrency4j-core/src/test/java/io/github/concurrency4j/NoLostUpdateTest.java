package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

class NoLostUpdateTest {
    private static final int THREADS = 8;
    private static final int INCREMENTS = 500;

    @AllDatabases
    void eightThreadsIncrementingOneCounterLoseNothing(TestDatabase db) throws Exception {
        String t = db.createTable("counter", "id " + db.keyType() + " PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, hits, version) VALUES (1, 0, 1)");
        VersionedTable counters = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        AtomicLong conflicts = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        // Every thread's first read happens before any write, so at least seven conflicts are certain.
        java.util.concurrent.CyclicBarrier firstRound = new java.util.concurrent.CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int w = 0; w < THREADS; w++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < INCREMENTS; i++) {
                        boolean first = i == 0;
                        while (true) {
                            Row row = counters.find(1).orElseThrow();
                            long hits = ((Number) row.get("hits")).longValue();
                            if (first) {
                                first = false;
                                firstRound.await(30, TimeUnit.SECONDS);
                            }
                            try {
                                counters.update(1, row.version(), Map.of("hits", hits + 1));
                                break;
                            } catch (RecordModifiedException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        Row end = counters.find(1).orElseThrow();
        assertThat(((Number) end.get("hits")).longValue()).isEqualTo(THREADS * INCREMENTS);
        assertThat(end.version()).isEqualTo(1 + THREADS * INCREMENTS);
        // The first round guarantees seven lost races; without them the test would prove nothing.
        assertThat(conflicts.get()).isGreaterThanOrEqualTo(THREADS - 1);
    }
}
