package io.github.concurrency4j.token;

import io.github.concurrency4j.Identity;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * A token that passed verification: the row it names, the version the client saw, and which fields' original
 * values it can vouch for. Obtained from {@link VersionTokens#verify(String, TokenPurpose, String, Object)}.
 */
public final class VerifiedToken {
    private final VersionTokens tokens;
    private final VersionTokens.DigestKey secret;
    private final TokenPurpose purpose;
    private final Instant issuedAt;
    private final String table;
    private final String key;
    private final long version;
    private final Map<String, byte[]> digests;

    VerifiedToken(VersionTokens tokens, VersionTokens.DigestKey secret, TokenPurpose purpose, Instant issuedAt,
                  String table, String key, long version, Map<String, byte[]> digests) {
        this.tokens = tokens;
        this.secret = secret;
        this.purpose = purpose;
        this.issuedAt = issuedAt;
        this.table = table;
        this.key = key;
        this.version = version;
        this.digests = digests;
    }

    /** What the token was issued for. */
    public TokenPurpose purpose() {
        return purpose;
    }

    /** When the token was signed, to the second. */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** The table the token was issued for, in lower case. */
    public String table() {
        return table;
    }

    /** The row key the token was issued for, as text. */
    public String key() {
        return key;
    }

    /** The version the client saw: pass it as the expected version of the write. */
    public long version() {
        return version;
    }

    /** (key, version), the key as text. */
    public Identity identity() {
        return new Identity(key, version);
    }

    /** The fields whose original values the token carries digests of: the fields the form showed. */
    public Set<String> fields() {
        return Collections.unmodifiableSet(digests.keySet());
    }

    /**
     * Whether a value equals the field's value when the token was issued (compared as text, see
     * {@link VersionTokens}). Always {@code false} for a field the token has no digest of.
     */
    public boolean isOriginal(String field, Object value) {
        return tokens.isOriginal(secret, this, field, value);
    }

    byte[] digest(String field) {
        return digests.get(field);
    }

    @Override
    public String toString() {
        return "VerifiedToken[purpose=" + purpose + ", table=" + table + ", key=" + key + ", version=" + version + ", fields="
                + digests.keySet() + "]";
    }
}
