package io.github.concurrency4j;

/**
 * A table declaration does not match the database or is not valid: an unknown table, a missing key or version
 * column, a malformed identifier, contradictory strategy options. Thrown while {@link Concurrency} is being built,
 * before any data is touched.
 */
public final class DeclarationException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with which declaration, and how to fix it */
    public DeclarationException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with which declaration, and how to fix it
     * @param cause the failure underneath, such as the driver's exception while reading the schema
     */
    public DeclarationException(String message, Throwable cause) {
        super(message, cause);
    }
}
