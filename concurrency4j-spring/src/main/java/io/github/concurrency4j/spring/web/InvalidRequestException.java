package io.github.concurrency4j.spring.web;

/**
 * A client's mistake in a REST request, found before anything was written: answered 400 Bad Request with a problem
 * document whose {@code field} member names the field (and {@code limit} the column's limit, when one was exceeded).
 * The message says what was wrong and what to send instead; it never holds SQL or Java type names.
 */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final transient Object limit;

    /**
     * @param field the request field at fault, or {@code null} when the request as a whole is
     * @param limit the limit the value exceeded (a length, a number of digits, a range), or {@code null}
     * @param message what was wrong, for the client; ends saying that nothing was written
     */
    public InvalidRequestException(String field, Object limit, String message) {
        super(message);
        this.field = field;
        this.limit = limit;
    }

    /** The field at fault, or {@code null}. */
    public String field() {
        return field;
    }

    /** The limit the value exceeded, or {@code null}. */
    public Object limit() {
        return limit;
    }
}
