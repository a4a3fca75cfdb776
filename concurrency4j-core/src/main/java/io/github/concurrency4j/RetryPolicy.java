package io.github.concurrency4j;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * How {@link Concurrency#retry(RetryPolicy, java.util.function.Supplier)} re-runs a read-modify-write that lost a
 * race: how many attempts in all, and how long to wait before each new one. Immutable and thread-safe; build one
 * with {@link #custom()} or take {@link #ofDefaults()}.
 *
 * <p>The wait before attempt {@code n + 1} grows exponentially,
 * {@code initialDelayMillis * multiplier^(n - 1)}, capped at {@code maxDelayMillis}, and is then spread by the
 * jitter factor {@code j} to a random value in {@code [delay * (1 - j), delay * (1 + j)]} (still capped): writers
 * that collided once do not collide again in lockstep.
 *
 * <p>What is retried: always a lost race ({@link RecordModifiedException}) and a transaction the database aborted
 * ({@link TransactionAbortedException}: a serialization failure, a deadlock, a lock wait timeout, a Galera
 * certification failure), also when an application exception carries either as its cause; and whatever else
 * {@link Builder#retryOnException(Predicate)} accepts. Anything else ends the retries at once.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.custom().maxAttempts(10).initialDelayMillis(5).maxDelayMillis(500).build();
 * }</pre>
 */
public final class RetryPolicy {
    /** Attempts in all, the first included, unless set: {@value}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Wait before the second attempt, unless set: {@value} ms. */
    public static final long DEFAULT_INITIAL_DELAY_MILLIS = 10;
    /** Longest wait between two attempts, unless set: {@value} ms. */
    public static final long DEFAULT_MAX_DELAY_MILLIS = 1_000;
    /** Growth of the wait from one attempt to the next, unless set: {@value}. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Spread of each wait around its nominal value, unless set: {@value} (plus or minus half). */
    public static final double DEFAULT_JITTER_FACTOR = 0.5;

    private static final RetryPolicy DEFAULTS = new Builder().build();

    /** Waits between attempts; replaceable so that tests need not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        /** The real one: {@link Thread#sleep(long)}. */
        Sleeper THREAD_SLEEP = Thread::sleep;

        /**
         * Waits this long; an interrupt ends the retries.
         *
         * @param millis how long to wait, in milliseconds
         * @throws InterruptedException when the thread is interrupted while it waits
         */
        void sleep(long millis) throws InterruptedException;
    }

    private final int maxAttempts;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final double multiplier;
    private final double jitterFactor;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Predicate<? super RuntimeException> retryOnException;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialDelayMillis = b.initialDelayMillis;
        this.maxDelayMillis = b.maxDelayMillis;
        this.multiplier = b.multiplier;
        this.jitterFactor = b.jitterFactor;
        this.sleeper = b.sleeper;
        this.random = b.random;
        this.retryOnException = b.retryOnException;
    }

    /** The defaults: {@value #DEFAULT_MAX_ATTEMPTS} attempts, 10 ms doubling up to 1 s, jitter 0.5. */
    public static RetryPolicy ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from this policy's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.initialDelayMillis = initialDelayMillis;
        b.maxDelayMillis = maxDelayMillis;
        b.multiplier = multiplier;
        b.jitterFactor = jitterFactor;
        b.sleeper = sleeper;
        b.random = random;
        b.retryOnException = retryOnException;
        return b;
    }

    /** Attempts in all, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Nominal wait before the second attempt. */
    public long initialDelayMillis() {
        return initialDelayMillis;
    }

    /** Longest wait between two attempts. */
    public long maxDelayMillis() {
        return maxDelayMillis;
    }

    /** Growth of the nominal wait from one attempt to the next. */
    public double multiplier() {
        return multiplier;
    }

    /** Spread of each wait around its nominal value, from 0 (none) to 1. */
    public double jitterFactor() {
        return jitterFactor;
    }

    /** What waits between attempts. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /**
     * Whether a failure other than a lost race or an abort is retried too, by {@link
     * Builder#retryOnException(Predicate)} (by default none is).
     */
    public boolean retriesAlso(RuntimeException failure) {
        return retryOnException.test(failure);
    }

    /**
     * The wait before the given attempt (2 for the first retry), drawn with the policy's random source.
     *
     * @throws IllegalArgumentException when the attempt is below 2
     */
    public long delayMillisBefore(int attempt) {
        if (attempt < 2) {
            throw new IllegalArgumentException("attempt must be >= 2 (the first attempt does not wait), but was "
                    + attempt);
        }
        double nominal = Math.min((double) maxDelayMillis,
                initialDelayMillis * Math.pow(multiplier, attempt - 2));
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        double spread = jitterFactor == 0 ? 0 : (r.nextDouble() * 2 - 1) * jitterFactor;
        return Math.min(maxDelayMillis, Math.max(0, Math.round(nominal * (1 + spread))));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelayMillis=" + initialDelayMillis
                + ", maxDelayMillis=" + maxDelayMillis + ", multiplier=" + multiplier + ", jitterFactor="
                + jitterFactor + "]";
    }

    /** Builds a {@link RetryPolicy}; each setting is checked as it is set. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private long initialDelayMillis = DEFAULT_INITIAL_DELAY_MILLIS;
        private long maxDelayMillis = DEFAULT_MAX_DELAY_MILLIS;
        private double multiplier = DEFAULT_MULTIPLIER;
        private double jitterFactor = DEFAULT_JITTER_FACTOR;
        private Sleeper sleeper = Sleeper.THREAD_SLEEP;
        private RandomGenerator random;
        private Predicate<? super RuntimeException> retryOnException = e -> false;

        private Builder() {
        }

        /**
         * Attempts in all, the first included (default {@value RetryPolicy#DEFAULT_MAX_ATTEMPTS}); 1 means no
         * retry.
         *
         * @throws IllegalArgumentException when below 1
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Nominal wait before the second attempt (default {@value RetryPolicy#DEFAULT_INITIAL_DELAY_MILLIS} ms).
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder initialDelayMillis(long initialDelayMillis) {
            if (initialDelayMillis < 0) {
                throw new IllegalArgumentException("initialDelayMillis must be >= 0, but was " + initialDelayMillis);
            }
            this.initialDelayMillis = initialDelayMillis;
            return this;
        }

        /**
         * Longest wait between two attempts (default {@value RetryPolicy#DEFAULT_MAX_DELAY_MILLIS} ms); must not be
         * below {@link #initialDelayMillis(long)}, which {@link #build()} checks.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder maxDelayMillis(long maxDelayMillis) {
            if (maxDelayMillis < 0) {
                throw new IllegalArgumentException("maxDelayMillis must be >= 0, but was " + maxDelayMillis);
            }
            this.maxDelayMillis = maxDelayMillis;
            return this;
        }

        /**
         * Growth of the wait per attempt (default {@value RetryPolicy#DEFAULT_MULTIPLIER}); 1 keeps it constant.
         *
         * @throws IllegalArgumentException when below 1 or not a number
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number >= 1.0, but was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /**
         * Spread of each wait, from 0 (exact waits) to 1 (anywhere from 0 to twice the nominal wait); default
         * {@value RetryPolicy#DEFAULT_JITTER_FACTOR}.
         *
         * @throws IllegalArgumentException when outside [0, 1]
         */
        public Builder jitterFactor(double jitterFactor) {
            if (!(jitterFactor >= 0.0 && jitterFactor <= 1.0)) {
                throw new IllegalArgumentException("jitterFactor must be between 0.0 and 1.0, but was " + jitterFactor);
            }
            this.jitterFactor = jitterFactor;
            return this;
        }

        /** What waits between attempts (default {@link Sleeper#THREAD_SLEEP}); tests pass one that records. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * The random source of the jitter (default: {@link ThreadLocalRandom} of the retrying thread). A given
         * generator is shared by every thread using the policy, so it must be thread-safe for concurrent use.
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Which other failures to retry, besides the lost races and aborts that are always retried; by default
         * none. For failures the application knows to be passing, such as a pool that timed out:
         * {@code retryOnException(e -> e instanceof StatementFailedException f && "08006".equals(f.sqlState()))}.
         * The predicate sees the exception the work threw; it must not throw.
         */
        public Builder retryOnException(Predicate<? super RuntimeException> retryOnException) {
            this.retryOnException = Objects.requireNonNull(retryOnException, "retryOnException");
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException when maxDelayMillis is below initialDelayMillis
         */
        public RetryPolicy build() {
            if (maxDelayMillis < initialDelayMillis) {
                throw new IllegalArgumentException("maxDelayMillis must be >= initialDelayMillis ("
                        + initialDelayMillis + "), but was " + maxDelayMillis);
            }
            return new RetryPolicy(this);
        }
    }
}
