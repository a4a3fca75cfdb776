package io.github.concurrency4j;

import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One of the JVMs of {@link RetryAcrossProcessesTest}: {@code threads} threads each increment row 1 of the counter
 * table {@code increments} times through {@code concurrency.retry}. It prints {@code READY}, starts on a line
 * {@code GO} from standard input, and ends by printing {@code successes=<n> exhausted=<n> attempts=<n>}.
 *
 * <p>Arguments: database name ({@code postgresql}, {@code mariadb}), table, threads, increments per thread.
 */
public final class CounterMain {
    private CounterMain() {
    }

    /** The read-modify-write under test: read the counter, write it plus one against the version read. */
    static void increment(VersionedTable counters) {
        Row row = counters.find(1).orElseThrow();
        long hits = ((Number) row.get("hits")).longValue();
        counters.update(1, row.version(), Map.of("hits", hits + 1));
    }

    public static void main(String[] args) throws Exception {
        TestDatabase db = TestDatabases.named(args[0]);
        String table = args[1];
        int threads = Integer.parseInt(args[2]);
        int increments = Integer.parseInt(args[3]);
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(table).build();
        VersionedTable counters = concurrency.table(table);
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(20).initialDelayMillis(1).maxDelayMillis(20).build();
        AtomicLong successes = new AtomicLong();
        AtomicLong exhausted = new AtomicLong();
        AtomicLong attempts = new AtomicLong();

        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"GO".equals(in.readLine())) {
            System.exit(2);
        }
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < increments; i++) {
                    try {
                        concurrency.retry(policy, () -> {
                            attempts.incrementAndGet();
                            increment(counters);
                        });
                        successes.incrementAndGet();
                    } catch (RecordModifiedException lostEveryAttempt) {
                        exhausted.incrementAndGet();
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        System.out.println("successes=" + successes + " exhausted=" + exhausted + " attempts=" + attempts);
        System.out.flush();
        System.exit(0);
    }
}
