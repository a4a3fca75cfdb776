package io.github.concurrency4j.spring.web;

/**
 * A conditional request failed before anything was written: 412 Precondition Failed (the {@code If-Match} tags name
 * no current version), 428 Precondition Required (a write without {@code If-Match} where one is required) or 400 Bad
 * Request (an {@code If-Match} value that is not RFC 9110's {@code *} or list of entity tags).
 */
public final class ConditionalRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Long currentVersion;

    private ConditionalRequestException(int status, String message, Long currentVersion) {
        super(message);
        this.status = status;
        this.currentVersion = currentVersion;
    }

    static ConditionalRequestException failed(String detail, Long currentVersion) {
        return new ConditionalRequestException(412, detail, currentVersion);
    }

    static ConditionalRequestException malformed(String detail) {
        return new ConditionalRequestException(400, detail, null);
    }

    static ConditionalRequestException required(String table, Object key) {
        return new ConditionalRequestException(428, "This write to " + table + " " + key + " must be conditional: "
                + "send If-Match with the ETag you read. Nothing was written.", null);
    }

    /** 412, 428 or 400. */
    public int status() {
        return status;
    }

    /** The version stored now when known, for the {@code ETag} of the answer; else {@code null}. */
    public Long currentVersion() {
        return currentVersion;
    }
}
