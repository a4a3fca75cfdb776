package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code concurrency.retry}: re-runs a read-modify-write that lost a race, with bounded, jittered backoff. */
class RetryTest {

    private static Concurrency concurrency() {
        return Concurrency.builder(TestDatabases.named("h2").dataSource()).build();
    }

    private static RecordModifiedException conflict(int n) {
        return new RecordModifiedException("counter", 1L, n, null, Map.of(), "update");
    }

    @Test
    void aConflictIsRetriedWithGrowingWaitsUntilTheWorkSucceeds() {
        List<Long> waits = new ArrayList<>();
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(5).initialDelayMillis(10).maxDelayMillis(25)
                .jitterFactor(0).sleeper(waits::add).build();
        AtomicInteger attempts = new AtomicInteger();

        String result = concurrency().retry(policy, () -> {
            if (attempts.incrementAndGet() < 4) {
                throw conflict(attempts.get());
            }
            return "saved on attempt " + attempts.get();
        });

        assertThat(result).isEqualTo("saved on attempt 4");
        assertThat(waits).containsExactly(10L, 20L, 25L);
    }

    @Test
    void afterTheLastAttemptTheLastConflictPropagates() {
        List<RecordModifiedException> thrown = new ArrayList<>();
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(3).sleeper(ms -> { }).build();

        Throwable e = catchThrowable(() -> concurrency().retry(policy, () -> {
            RecordModifiedException c = conflict(thrown.size());
            thrown.add(c);
            throw c;
        }));

        assertThat(thrown).hasSize(3);
        assertThat(e).isSameAs(thrown.get(2));
    }

    @Test
    void otherFailuresAreNotRetriedButConflictsWrappedByAHandlerAre() {
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(4).sleeper(ms -> { }).build();

        assertThatThrownBy(() -> concurrency().retry(policy, () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("not a race");
        })).hasMessage("not a race");
        assertThat(attempts).hasValue(1);

        attempts.set(0);
        concurrency().retry(policy, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("translated by a ConflictHandler", conflict(1));
            }
        });
        assertThat(attempts).hasValue(2);
    }

    @Test
    void anAbortIsRetriedByDefaultAndOtherFailuresOnlyWhenThePolicySaysSo() {
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy defaults = RetryPolicy.custom().maxAttempts(3).sleeper(ms -> { }).build();

        String result = concurrency().retry(defaults, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new TransactionAbortedException("aborted", true,
                        new java.sql.SQLException("deadlock", "40001", 1213));
            }
            return "saved";
        });
        assertThat(result).isEqualTo("saved");
        assertThat(attempts).hasValue(2);

        attempts.set(0);
        assertThatThrownBy(() -> concurrency().retry(defaults, () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("pool timed out");
        })).hasMessage("pool timed out");
        assertThat(attempts).hasValue(1);

        attempts.set(0);
        RetryPolicy alsoPool = defaults.toBuilder()
                .retryOnException(e -> e instanceof IllegalStateException && "pool timed out".equals(e.getMessage()))
                .build();
        assertThatThrownBy(() -> concurrency().retry(alsoPool, () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("pool timed out");
        })).hasMessage("pool timed out");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void anInterruptDuringTheWaitStopsRetryingAndKeepsTheInterrupt() {
        RetryPolicy policy = RetryPolicy.custom().sleeper(ms -> {
            throw new InterruptedException();
        }).build();
        RecordModifiedException c = conflict(1);

        Throwable e = catchThrowable(() -> concurrency().retry(policy, () -> {
            throw c;
        }));

        assertThat(e).isSameAs(c);
        assertThat(e.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void jitterSpreadsEachWaitAroundItsNominalValueAndNeverPastTheCap() {
        RetryPolicy policy = RetryPolicy.custom().initialDelayMillis(100).maxDelayMillis(1_000).multiplier(2)
                .jitterFactor(0.5).random(new SplittableRandom(42)).build();
        List<Long> second = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            second.add(policy.delayMillisBefore(2));
            assertThat(policy.delayMillisBefore(3)).isBetween(100L, 300L);
            assertThat(policy.delayMillisBefore(10)).isBetween(500L, 1_000L);
        }
        assertThat(second).allSatisfy(ms -> assertThat(ms).isBetween(50L, 150L));
        assertThat(second.stream().distinct().count()).as("waits are spread, not in lockstep").isGreaterThan(50);
    }

    @Test
    void settingsAreValidatedAndTheMessageNamesTheBadValue() {
        assertThatThrownBy(() -> RetryPolicy.custom().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAttempts must be >= 1, but was 0");
        assertThatThrownBy(() -> RetryPolicy.custom().initialDelayMillis(-3))
                .hasMessage("initialDelayMillis must be >= 0, but was -3");
        assertThatThrownBy(() -> RetryPolicy.custom().maxDelayMillis(-1))
                .hasMessage("maxDelayMillis must be >= 0, but was -1");
        assertThatThrownBy(() -> RetryPolicy.custom().multiplier(0.5))
                .hasMessage("multiplier must be a finite number >= 1.0, but was 0.5");
        assertThatThrownBy(() -> RetryPolicy.custom().multiplier(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> RetryPolicy.custom().jitterFactor(1.5))
                .hasMessage("jitterFactor must be between 0.0 and 1.0, but was 1.5");
        assertThatThrownBy(() -> RetryPolicy.custom().initialDelayMillis(50).maxDelayMillis(10).build())
                .hasMessage("maxDelayMillis must be >= initialDelayMillis (50), but was 10");
        assertThatThrownBy(() -> RetryPolicy.ofDefaults().delayMillisBefore(1)).hasMessageContaining("but was 1");

        RetryPolicy defaults = RetryPolicy.ofDefaults();
        assertThat(defaults.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
        assertThat(defaults.initialDelayMillis()).isEqualTo(RetryPolicy.DEFAULT_INITIAL_DELAY_MILLIS);
        assertThat(defaults.maxDelayMillis()).isEqualTo(RetryPolicy.DEFAULT_MAX_DELAY_MILLIS);
        assertThat(defaults.multiplier()).isEqualTo(RetryPolicy.DEFAULT_MULTIPLIER);
        assertThat(defaults.jitterFactor()).isEqualTo(RetryPolicy.DEFAULT_JITTER_FACTOR);
        assertThat(defaults.toBuilder().maxAttempts(9).build().maxAttempts()).isEqualTo(9);
        assertThat(defaults.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
    }

    @AllDatabases
    void fourThreadsIncrementingThroughRetryLoseNothing(TestDatabase db) throws Exception {
        String t = db.createTable("counter", "id " + db.keyType() + " PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, hits, version) VALUES (1, 0, 1)");
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(100).initialDelayMillis(1).maxDelayMillis(20).build();
        AtomicLong successes = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        // The first attempts of all four threads read the same version before any writes: three must lose.
        java.util.concurrent.CyclicBarrier firstRound = new java.util.concurrent.CyclicBarrier(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        boolean[] first = {i == 0};
                        try {
                            concurrency.retry(policy, () -> {
                                attempts.incrementAndGet();
                                java.util.concurrent.CyclicBarrier barrier = first[0] ? firstRound : null;
                                first[0] = false;
                                CounterMain.increment(concurrency.table(t), barrier);
                            });
                            successes.incrementAndGet();
                        } catch (RecordModifiedException lostEveryAttempt) {
                            // Not an increment: the count below must not include it.
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        Row end = concurrency.table(t).find(1).orElseThrow();
        assertThat(((Number) end.get("hits")).longValue()).isEqualTo(successes.get());
        assertThat(end.version()).isEqualTo(1 + successes.get());
        assertThat(successes.get()).isEqualTo(200);
        assertThat(attempts.get()).as("three first attempts lost the race and were retried")
                .isGreaterThanOrEqualTo(203);
    }
}
