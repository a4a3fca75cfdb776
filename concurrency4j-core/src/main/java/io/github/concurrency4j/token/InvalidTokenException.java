package io.github.concurrency4j.token;

import io.github.concurrency4j.ConcurrencyException;

/**
 * A version token was refused: it is missing, malformed, forged (its signature does not match any configured
 * secret), was issued for another record or another purpose, or has expired. Nothing may be written on the strength
 * of such a token. A web layer answers it with 400 Bad Request.
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
        OTHER_RECORD,
        /**
         * The token is genuine but was issued for another purpose, such as a bulk selection's checkbox submitted to
         * a delete form.
         */
        OTHER_PURPOSE,
        /**
         * The token is genuine but too old: older than the configured maximum age, or issued by an earlier version
         * of concurrency4j whose tokens are no longer accepted. The user reloads the form.
         */
        EXPIRED,
        /**
         * A form of many rows submitted one row more than once (the same token twice, or two tokens or two values
         * for one row): which one the user meant cannot be told.
         */
        DUPLICATE
    }

    /** Why the token was refused. */
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

    /** The token is genuine but was issued for another purpose than {@code expected}. */
    public static InvalidTokenException otherPurpose(TokenPurpose expected, TokenPurpose actual, String table,
                                                     Object key) {
        return new InvalidTokenException(Reason.OTHER_PURPOSE, "The version token was issued for a "
                + actual.words() + ", not for the " + expected.words() + " of " + table + " " + key
                + ": the write was refused and nothing was written. Submit the form that was rendered for this "
                + "action.");
    }

    /** A form of many rows submitted this row more than once; {@code what} says how. */
    public static InvalidTokenException duplicate(String table, Object key, String what) {
        return new InvalidTokenException(Reason.DUPLICATE, "Row " + table + " " + key + " was submitted more than "
                + "once (" + what + "): the write was refused and nothing was written. Reload the page and submit "
                + "each row once.");
    }

    /** The token is older than the maximum age. */
    public static InvalidTokenException expired(java.time.Duration maxAge) {
        return new InvalidTokenException(Reason.EXPIRED, "This form expired: it was opened more than "
                + words(maxAge) + " ago. Reload it and enter your changes again; nothing was written.");
    }

    /** The token is in the format of an earlier version of concurrency4j, which is no longer accepted. */
    public static InvalidTokenException issuedBeforeUpgrade() {
        return new InvalidTokenException(Reason.EXPIRED, "This form expired: it was opened before the application "
                + "was upgraded. Reload it and enter your changes again; nothing was written.");
    }

    private static String words(java.time.Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return plural(s / 86_400, "day");
        }
        if (s % 3_600 == 0) {
            return plural(s / 3_600, "hour");
        }
        if (s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return plural(s, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** Why the token was refused. */
    public Reason reason() {
        return reason;
    }
}
