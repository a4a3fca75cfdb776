package io.github.concurrency4j;

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
 * <p>A scope affects only the thread that opened it: other threads keep their checks.
 */
public interface DisableScope extends AutoCloseable {

    /**
     * Ends the scope. Must be called on the thread that opened it.
     *
     * @throws IllegalStateException when called from another thread
     */
    @Override
    void close();
}
