package io.github.concurrency4j.token;

import io.github.concurrency4j.ConcurrencyException;

/**
 * A version token was refused: it is missing, malformed, forged (its signature does not match any configured
 * secret) or was issued for another record. Nothing may be written on the strength of such a token. A web layer
 * answers it with 400 Bad Request.
 */
public final class InvalidTokenException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        /** No token was submitted. */
        MISSING,
        /** The token is not in the token format (truncated, altered encoding, unknown format version). */
        MALFORMED,
        /** The signature does not match: the token was altered or signed with an unknown secret. */
        FORGED,
        /** The token is genuine but was issued for another table or row: a replay onto another record. */
        OTHER_RECORD
    }

    private final Reason reason;

    private InvalidTokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** No token was submitted for this row. */
    public static InvalidTokenException missing(String table, Object key) {
        return new InvalidTokenException(Reason.MISSING, "No version token was submitted for " + table + " " + key
                + ": the write was refused and nothing was written. The form must carry the token it was rendered "
                + "with.");
    }

    /** The token is not in the token format; {@code detail} says how. */
    public static InvalidTokenException malformed(String detail) {
        return new InvalidTokenException(Reason.MALFORMED, "The version token is malformed (" + detail
                + "): the write was refused and nothing was written.");
    }

    /** No configured secret verifies the token's signature. */
    public static InvalidTokenException forged() {
        return new InvalidTokenException(Reason.FORGED, "The version token's signature is not valid: it was altered "
                + "or signed with an unknown secret. The write was refused and nothing was written.");
    }

    /** The token is genuine but was issued for another row or table than this one. */
    public static InvalidTokenException otherRecord(String expectedTable, Object expectedKey) {
        return new InvalidTokenException(Reason.OTHER_RECORD, "The version token was issued for another record, not "
                + "for " + expectedTable + " " + expectedKey + ": the write was refused and nothing was written.");
    }

    /** Why the token was refused. */
    public Reason reason() {
        return reason;
    }
}
