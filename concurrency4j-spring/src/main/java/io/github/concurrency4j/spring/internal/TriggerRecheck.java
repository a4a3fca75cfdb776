package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Checks, every interval while the application runs, that the declared trigger-versioned tables still have their
 * version triggers; logs an error once when one goes missing (naming the table and the trigger), and once when it
 * is back. On a daemon thread of its own, started and stopped with the application context.
 */
public final class TriggerRecheck implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerRecheck.class);

    private final Concurrency concurrency;
    private final Duration interval;
    /** Touched by the re-check thread only. */
    private final Set<TriggerTarget> reported = new HashSet<>();
    private boolean unreadableReported;
    private ScheduledExecutorService scheduler;

    public TriggerRecheck(Concurrency concurrency, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("concurrency4j.triggers.recheck-interval must be > 0, but was "
                    + interval + ". Leave it unset to re-check only on health requests.");
        }
        this.concurrency = concurrency;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "concurrency4j-trigger-recheck");
                t.setDaemon(true);
                return t;
            });
            long millis = Math.max(1, interval.toMillis());
            scheduler.scheduleWithFixedDelay(this::recheck, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** One re-check; never throws, so that the schedule goes on. */
    void recheck() {
        List<TriggerTarget> missing;
        try {
            missing = concurrency.triggers().check();
        } catch (RuntimeException e) {
            if (!unreadableReported) {
                unreadableReported = true;
                LOG.warn("Could not re-check the version triggers: {}. Trying again every {}.", e.getMessage(),
                        interval);
            }
            return;
        }
        unreadableReported = false;
        for (TriggerTarget t : missing) {
            if (reported.add(t)) {
                LOG.error("The version trigger {} of {}.{} is missing: it was dropped while the application runs. "
                        + MissingTriggers.FIX, concurrency.triggers().triggerName(t), t.table(), t.versionColumn());
            }
        }
        reported.removeIf(t -> {
            if (missing.contains(t)) {
                return false;
            }
            LOG.info("The version trigger {} of {}.{} is back.", concurrency.triggers().triggerName(t), t.table(),
                    t.versionColumn());
            return true;
        });
    }
}
