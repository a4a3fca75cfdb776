package io.github.concurrency4j;

/**
 * The root of every exception concurrency4j throws. Unchecked: a conflict is expected control flow, but callers
 * choose where to handle it.
 */
public abstract class ConcurrencyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened, and what to do about it */
    protected ConcurrencyException(String message) {
        super(message);
    }

    /**
     * @param message what happened, and what to do about it
     * @param cause the failure underneath, such as the driver's exception
     */
    protected ConcurrencyException(String message, Throwable cause) {
        super(message, cause);
    }
}
