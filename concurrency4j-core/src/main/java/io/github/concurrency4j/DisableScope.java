package io.github.concurrency4j;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * A span of code in the current thread where version checks (or version increments) are switched off, for example
 * while importing data or loading fixtures. Close it to switch them back on; scopes nest.
 *
 * <pre>{@code
 * try (DisableScope off = concurrency.disable("product")) {
 *     products.update(42, null, Map.of("price", 10));   // no check
 * }
 * }</pre>
 *
 * <p>A scope affects only the thread that opened it: other threads keep their checks. Work fanned out to other
 * threads takes the scope along only when asked, with {@link #wrap(Runnable)}:
 *
 * <pre>{@code
 * try (DisableScope off = concurrency.disable("product")) {
 *     List<Future<?>> parts = new ArrayList<>();
 *     for (List<Map<String, Object>> chunk : chunks) {
 *         parts.add(pool.submit(off.wrap(() -> importChunk(chunk))));
 *     }
 *     for (Future<?> f : parts) {
 *         f.get();            // wait inside the scope: a task that starts after close() runs checked
 *     }
 * }
 * }</pre>
 */
public interface DisableScope extends AutoCloseable {

    /**
     * Ends the scope. Must be called on the thread that opened it. Tasks {@link #wrap(Runnable) wrapped} with this
     * scope that run afterwards run checked.
     *
     * @throws IllegalStateException when called from another thread; the scope is ended all the same, so that the
     *     thread that opened it (often a pooled one) does not go on writing without checks
     */
    @Override
    void close();

    /**
     * A task that runs with this scope in force in whichever thread runs it, for the task's duration only (the
     * worker's own scopes are untouched before and after). While this scope is open, writes in the task are
     * switched off exactly as in the thread that opened it; once it is closed, the task runs checked, so an import
     * that outlives its scope fails loudly ({@link MissingVersionException}) instead of writing blind.
     */
    Runnable wrap(Runnable task);

    /** {@link #wrap(Runnable)} for a task that returns a value, such as one given to an {@code ExecutorService}. */
    <T> Callable<T> wrap(Callable<T> task);

    /** An executor that runs every task it is given {@link #wrap(Runnable) wrapped} with this scope. */
    Executor wrap(Executor executor);
}
