package io.github.concurrency4j.spring;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.internal.DisableScopeLeaks;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.core.task.TaskDecorator;

/**
 * Makes sure no disable scope outlives the task that opened it on a pooled thread: after each task (and before,
 * for scopes an undecorated task left), the scopes still open on the thread are closed and logged as errors. A task
 * that runs on the thread that submitted it (a caller-runs rejection policy) is left alone: the scopes there are
 * the submitter's own.
 * Otherwise a task that forgot {@code close()} would leave version checks off for the next task the thread runs,
 * often another user's request, whose stale writes would overwrite other users' saves unchecked.
 *
 * <p>The starter applies it to Spring Boot's {@code applicationTaskExecutor} (which runs {@code @Async} methods and
 * MVC's {@code Callable} handlers) and task scheduler (composed with the application's own {@code TaskDecorator}
 * bean, if it has one). Apply it to executors the application builds itself, such as the one a
 * {@code DeferredResult} or a {@code CompletableFuture} is completed on:
 *
 * <pre>{@code
 * executor.setTaskDecorator(new DisableScopeTaskDecorator(concurrency));
 * }</pre>
 */
public final class DisableScopeTaskDecorator implements TaskDecorator {
    private final Supplier<Concurrency> concurrency;

    /** A decorator for the scopes of this {@code Concurrency}. */
    public DisableScopeTaskDecorator(Concurrency concurrency) {
        Objects.requireNonNull(concurrency, "concurrency");
        this.concurrency = () -> concurrency;
    }

    /**
     * A decorator that looks the {@code Concurrency} up when a task runs (none yet, or none at all: nothing to do),
     * for executors built before it.
     */
    public DisableScopeTaskDecorator(Supplier<Concurrency> concurrency) {
        this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
    }

    @Override
    public Runnable decorate(Runnable task) {
        // Executors decorate a task on the thread that submits it.
        Thread submitter = Thread.currentThread();
        return () -> {
            Concurrency engine = concurrency.get();
            // Run by its own submitter (a caller-runs rejection policy, a direct executor): the scopes on this
            // thread are the submitter's, open for good reason, and its own try-with-resources closes them.
            if (engine == null || Thread.currentThread() == submitter) {
                task.run();
                return;
            }
            DisableScopeLeaks.close(engine, "before", () -> "task " + task);
            try {
                task.run();
            } finally {
                DisableScopeLeaks.close(engine, "after", () -> "task " + task);
            }
        };
    }
}
