package io.github.concurrency4j.spring;

import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.RecordModifiedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Counts concurrency4j's events as Micrometer counters, tagged by table, where Actuator (and whatever registry
 * the application ships to) shows them:
 * <ul>
 *   <li>{@code concurrency4j.conflicts} — writes and guarded actions refused because a row moved;</li>
 *   <li>{@code concurrency4j.retries} — attempts {@code Concurrency.retry} ran again, tagged {@code cause}
 *       {@code conflict} or {@code abort} (the database aborted the transaction; table {@code unknown});</li>
 *   <li>{@code concurrency4j.replica.fallbacks} — reads meant for the read replica answered by the primary;</li>
 *   <li>{@code concurrency4j.merges} — form saves written on top of someone else's save (auto-merge).</li>
 * </ul>
 * Registered by the auto-configuration when a {@link MeterRegistry} bean exists.
 */
public final class MicrometerConcurrencyListener implements ConcurrencyListener {
    /** Counter of refused writes, tag {@code table}. */
    public static final String CONFLICTS = "concurrency4j.conflicts";
    /** Counter of retried attempts, tags {@code table} and {@code cause}. */
    public static final String RETRIES = "concurrency4j.retries";
    /** Counter of replica reads answered by the primary, tag {@code table}. */
    public static final String REPLICA_FALLBACKS = "concurrency4j.replica.fallbacks";

    /** Counter of form saves merged over someone else's save, tag {@code table}. */
    public static final String MERGES = "concurrency4j.merges";

    private final MeterRegistry registry;

    /** Counts into this registry. */
    public MicrometerConcurrencyListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void conflict(RecordModifiedException conflict) {
        Counter.builder(CONFLICTS).description("Writes refused because the row had moved")
                .tag("table", conflict.table()).register(registry).increment();
    }

    @Override
    public void retrying(String table, RuntimeException failure, int nextAttempt) {
        Counter.builder(RETRIES).description("Attempts Concurrency.retry ran again")
                .tag("table", table == null ? "unknown" : table)
                .tag("cause", table == null ? "abort" : "conflict").register(registry).increment();
    }

    @Override
    public void merged(String table, Object key) {
        Counter.builder(MERGES).description("Form saves merged over someone else's save")
                .tag("table", table).register(registry).increment();
    }

    @Override
    public void replicaFallback(String table) {
        Counter.builder(REPLICA_FALLBACKS).description("Replica reads answered by the primary")
                .tag("table", table).register(registry).increment();
    }
}
