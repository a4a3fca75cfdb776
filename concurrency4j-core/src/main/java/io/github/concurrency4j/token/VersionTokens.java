package io.github.concurrency4j.token;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues and verifies signed version tokens. A token binds (purpose, table, key, version, time of issue) under an
 * HMAC-SHA256 signature; it may also carry signed digests of the original values of the fields a form showed, which
 * lets a conflicting save tell which fields changed on each side (see {@link VerifiedToken#isOriginal(String,
 * Object)}).
 *
 * <pre>{@code
 * VersionTokens tokens = VersionTokens.of(List.of(currentSecret, previousSecret)).withMaxAge(Duration.ofHours(8));
 * String token = tokens.sign("product", 42, row.version(), Map.of("name", row.get("name")));
 * // ... the token travels in a hidden form field and comes back ...
 * VerifiedToken verified = tokens.verify(submitted, "product", 42);   // throws InvalidTokenException
 * products.update(42, verified.version(), changes);
 * }</pre>
 *
 * <p>A token is verified for one {@link TokenPurpose}: {@link #sign(String, Object, long, Map)} and
 * {@link #verify(String, String, Object)} are the edit form's; a delete form, a grid row and a bulk selection name
 * their purpose. A token for another purpose, table or row is refused; a token for an older version of the same
 * row verifies, and the write it carries is then refused as stale by the version check.
 *
 * <p>Secrets rotate: tokens are signed with the first secret and accepted when any secret verifies them, so a new
 * secret is put first and the old one kept until the forms signed with it have expired. Tokens are compact and
 * URL-safe ({@code [A-Za-z0-9_.-]}); signatures are compared in constant time. Tokens of concurrency4j versions
 * before purposes were signed (format 1) are refused as expired. Where the secret lives is a {@link TokenSigner}:
 * HMAC-SHA256 over in-memory secrets by default, or {@link #of(TokenSigner)} for a key management service or an
 * HSM. Thread-safe and immutable.
 */
public final class VersionTokens {
    /** The shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 16;
    /** The length of a generated random secret, in bytes. */
    public static final int RANDOM_SECRET_BYTES = 32;

    private static final String FORMAT = "2";
    private static final String LEGACY_FORMAT = "1";
    private static final int DIGEST_BYTES = 12;
    private static final int MAX_FIELDS = 512;
    private static final int MAX_PLAIN_ZEROS = 1_000;
    private static final int MAX_CANONICAL_BITS = 65_536;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final TokenSigner signer;
    private final Duration maxAge;
    private final Clock clock;

    private VersionTokens(TokenSigner signer, Duration maxAge, Clock clock) {
        this.signer = signer;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * Tokens signed with the first secret and verified with any of them, without a maximum age.
     *
     * @throws IllegalArgumentException when no secret is given or one is shorter than {@value #MIN_SECRET_BYTES}
     *     bytes
     */
    public static VersionTokens of(Collection<byte[]> secrets) {
        return new VersionTokens(HmacSha256Signer.of(secrets), null, Clock.systemUTC());
    }

    /**
     * Tokens signed and verified by {@code signer}, such as one backed by a key management service, without a
     * maximum age. See {@link TokenSigner} for what field digests need of it.
     */
    public static VersionTokens of(TokenSigner signer) {
        return new VersionTokens(Objects.requireNonNull(signer, "signer"), null, Clock.systemUTC());
    }

    /**
     * Tokens signed with the first secret and verified with any of them; each secret is taken as UTF-8 bytes.
     *
     * @throws IllegalArgumentException when no secret is given or one is shorter than {@value #MIN_SECRET_BYTES}
     *     bytes
     */
    public static VersionTokens ofStrings(Collection<String> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        List<byte[]> bytes = new ArrayList<>(secrets.size());
        for (String s : secrets) {
            bytes.add(Objects.requireNonNull(s, "secret").getBytes(StandardCharsets.UTF_8));
        }
        return of(bytes);
    }

    /**
     * Tokens with a random secret of {@value #RANDOM_SECRET_BYTES} bytes: valid only in this process, until it
     * stops. Fine for one instance and for tests; several instances behind a load balancer need a shared secret.
     */
    public static VersionTokens random() {
        byte[] secret = new byte[RANDOM_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return of(List.of(secret));
    }

    /**
     * These tokens, refused as {@linkplain InvalidTokenException.Reason#EXPIRED expired} once older than
     * {@code maxAge} (counted from signing, to the second); {@code null} for no limit.
     *
     * @throws IllegalArgumentException when {@code maxAge} is shorter than one second
     */
    public VersionTokens withMaxAge(Duration maxAge) {
        if (maxAge != null && maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("The maximum token age must be at least 1 second, but was " + maxAge
                    + ".");
        }
        return new VersionTokens(signer, maxAge, clock);
    }

    /** These tokens, reading the time of signing and verifying from {@code clock}. */
    public VersionTokens withClock(Clock clock) {
        return new VersionTokens(signer, maxAge, Objects.requireNonNull(clock, "clock"));
    }

    /** The maximum age of a token, if there is one. */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    /** An edit form's token for (table, key, version), without field digests. */
    public String sign(String table, Object key, long version) {
        return sign(TokenPurpose.EDIT, table, key, version, Map.of());
    }

    /**
     * An edit form's token for (table, key, version) that also carries signed digests of the original values of
     * these fields (the fields the form shows). The values themselves are not in the token, only keyed digests.
     *
     * @param originalValues the fields' values as they were read, by field name; {@code null} values are allowed
     */
    public String sign(String table, Object key, long version, Map<String, ?> originalValues) {
        return sign(TokenPurpose.EDIT, table, key, version, originalValues);
    }

    /**
     * A token for (table, key, version), valid only for {@code purpose}, carrying signed digests of the original
     * values of these fields.
     *
     * @param originalValues the fields' values as they were read, by field name; {@code null} values are allowed
     */
    public String sign(TokenPurpose purpose, String table, Object key, long version, Map<String, ?> originalValues) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(originalValues, "originalValues");
        if (originalValues.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("A token carries at most " + MAX_FIELDS + " field digests, but "
                    + originalValues.size() + " fields were given.");
        }
        DigestKey secret = digestKeyForSigning();
        String t = table.toLowerCase(Locale.ROOT);
        String k = canonical(key);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(purpose.code());
            out.writeLong(clock.instant().getEpochSecond());
            out.writeUTF(t);
            out.writeUTF(k);
            out.writeLong(version);
            out.writeShort(originalValues.size());
            for (Map.Entry<String, ?> e : originalValues.entrySet()) {
                out.writeUTF(Objects.requireNonNull(e.getKey(), "field name"));
                out.write(digest(secret, t, k, e.getKey(), e.getValue()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot happen: writing to memory", e);
        }
        byte[] payload = bytes.toByteArray();
        return FORMAT + "." + ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(signer.sign(payload));
    }

    /**
     * Verifies an edit form's token submitted for a known row.
     *
     * @param token the submitted token; {@code null} or blank counts as missing
     * @param table the table the write is for
     * @param key the key of the row the write is for (compared as text: {@code 42L} and {@code "42"} are the same)
     * @return the verified token, carrying the version to pass as the expected version
     * @throws InvalidTokenException when the token is missing, malformed, forged, issued for another record or
     *     purpose, or expired
     */
    public VerifiedToken verify(String token, String table, Object key) {
        return verify(token, TokenPurpose.EDIT, table, key);
    }

    /**
     * Verifies a token submitted for a known row and a purpose.
     *
     * @param token the submitted token; {@code null} or blank counts as missing
     * @param purpose what the token must have been issued for
     * @param table the table the write is for
     * @param key the key of the row the write is for (compared as text: {@code 42L} and {@code "42"} are the same)
     * @return the verified token, carrying the version to pass as the expected version
     * @throws InvalidTokenException when the token is missing, malformed, forged, issued for another record or
     *     purpose, or expired
     */
    public VerifiedToken verify(String token, TokenPurpose purpose, String table, Object key) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        if (token == null || token.isBlank()) {
            throw InvalidTokenException.missing(table, key);
        }
        VerifiedToken v = verify(token);
        if (v.purpose() != purpose) {
            throw InvalidTokenException.otherPurpose(purpose, v.purpose(), table, key);
        }
        if (!v.table().equals(table.toLowerCase(Locale.ROOT)) || !v.key().equals(canonical(key))) {
            throw InvalidTokenException.otherRecord(table, key);
        }
        checkAge(v);
        return v;
    }

    /**
     * Verifies a token whose row is named by the token itself, such as a grid row's or a checkbox of a bulk
     * selection, and checks that it was issued for this purpose and table.
     *
     * @throws InvalidTokenException when the token is missing, malformed, forged, issued for another table or
     *     purpose, or expired
     */
    public VerifiedToken verify(String token, TokenPurpose purpose, String table) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(table, "table");
        if (token == null || token.isBlank()) {
            throw InvalidTokenException.missing(table, "(selected rows)");
        }
        VerifiedToken v = verify(token);
        if (v.purpose() != purpose) {
            throw InvalidTokenException.otherPurpose(purpose, v.purpose(), table, v.key());
        }
        if (!v.table().equals(table.toLowerCase(Locale.ROOT))) {
            throw InvalidTokenException.otherRecord(table, v.key());
        }
        checkAge(v);
        return v;
    }

    private void checkAge(VerifiedToken v) {
        if (maxAge != null && clock.instant().getEpochSecond() - v.issuedAt().getEpochSecond() > maxAge.toSeconds()) {
            throw InvalidTokenException.expired(maxAge);
        }
    }

    private VerifiedToken verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw InvalidTokenException.malformed("expected 3 parts, found " + parts.length);
        }
        boolean legacy = LEGACY_FORMAT.equals(parts[0]);
        if (!FORMAT.equals(parts[0]) && !legacy) {
            throw InvalidTokenException.malformed("unknown format version");
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(parts[1]);
            signature = DECODER.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw InvalidTokenException.malformed("not URL-safe Base64");
        }
        // The decoder ignores the unused low bits of a last character: only the one canonical spelling of the
        // bytes is a token, so that no two different strings verify as the same token.
        if (!ENCODER.encodeToString(payload).equals(parts[1]) || !ENCODER.encodeToString(signature).equals(parts[2])) {
            throw InvalidTokenException.malformed("not canonical URL-safe Base64");
        }
        DigestKey matched = verifiedBy(payload, signature);
        if (matched == null) {
            throw InvalidTokenException.forged();
        }
        if (legacy) {
            // Genuine, but signed before purposes and times were: it cannot say what it may be used for.
            throw InvalidTokenException.issuedBeforeUpgrade();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int code = in.readUnsignedByte();
            TokenPurpose purpose = TokenPurpose.ofCode(code);
            if (purpose == null) {
                throw InvalidTokenException.malformed("unknown purpose");
            }
            Instant issuedAt = Instant.ofEpochSecond(in.readLong());
            String table = in.readUTF();
            String key = in.readUTF();
            long version = in.readLong();
            int n = in.readUnsignedShort();
            Map<String, byte[]> digests = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String field = in.readUTF();
                byte[] d = new byte[DIGEST_BYTES];
                in.readFully(d);
                digests.put(field, d);
            }
            if (in.available() != 0) {
                throw InvalidTokenException.malformed("trailing bytes");
            }
            return new VerifiedToken(this, matched, purpose, issuedAt, table, key, version, digests);
        } catch (IOException | java.time.DateTimeException e) {
            // Signed yet unreadable: only a token from an incompatible build can get here.
            throw InvalidTokenException.malformed("truncated payload");
        }
    }

    boolean isOriginal(DigestKey key, VerifiedToken token, String field, Object value) {
        byte[] expected = token.digest(field);
        return expected != null
                && MessageDigest.isEqual(expected, digest(key, token.table(), token.key(), field, value));
    }

    /** What digests the fields of a token: the key that signs, or the key that verified the token. */
    interface DigestKey {
        byte[] mac(byte[] data);
    }

    private DigestKey digestKeyForSigning() {
        return signer instanceof HmacSha256Signer hmac ? hmac.signingKey() : signer::sign;
    }

    private DigestKey verifiedBy(byte[] payload, byte[] signature) {
        if (signer instanceof HmacSha256Signer hmac) {
            return hmac.matching(payload, signature);
        }
        return signer.verify(payload, signature) ? signer::sign : null;
    }

    private static byte[] digest(DigestKey key, String table, String rowKey, String field, Object value) {
        String text = "field\0" + table + '\0' + rowKey + '\0' + field + '\0'
                + (value == null ? "\1null" : canonical(value));
        byte[] mac = key.mac(text.getBytes(StandardCharsets.UTF_8));
        if (mac == null || mac.length < DIGEST_BYTES) {
            throw new IllegalStateException("The token signer returned a signature of "
                    + (mac == null ? "null" : mac.length + " bytes") + "; at least " + DIGEST_BYTES + " are needed.");
        }
        return Arrays.copyOf(mac, DIGEST_BYTES);
    }

    /**
     * Whether two values are alike the way field digests compare them: by {@linkplain #canonical(Object) text},
     * so that a value read from the database equals the same value submitted by a form. {@code null} equals only
     * {@code null}.
     */
    public static boolean sameValue(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        return canonical(a).equals(canonical(b));
    }

    /**
     * The text a value is compared as: numbers by numeric value ({@code 12}, {@code 12L}, {@code "12"} and
     * {@code 12.0} are alike), SQL dates and timestamps as their {@code java.time} counterparts, byte arrays as
     * Base64, everything else by {@code toString()}. A value read from the database and the same value typed into a
     * form compare equal whenever their text does.
     */
    static String canonical(Object value) {
        if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))
                && !(value instanceof Float f && (f.isNaN() || f.isInfinite()))) {
            try {
                return canonicalNumber(n instanceof BigDecimal b ? b
                        : n instanceof BigInteger i ? new BigDecimal(i) : new BigDecimal(n.toString()));
            } catch (NumberFormatException e) {
                return n.toString();
            }
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (value instanceof java.sql.Time t) {
            return t.toLocalTime().toString();
        }
        if (value instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return String.valueOf(value);
    }

    /**
     * A number's plain text without trailing zeros ({@code 12.50} and {@code 1.25E+1} give {@code 12.5}), in time
     * linear in its digits. {@code stripTrailingZeros} divides by ten once per zero (quadratic: seconds for a
     * number of 80,000 digits), and plain text grows with the exponent, not the input ({@code 1e300000} is six
     * characters that print as 300,001); so zeros are cut from the digits' text, and beyond
     * {@value #MAX_PLAIN_ZEROS} zeros the exponent is written instead ({@code 1E300000}), which no plain text equals.
     * Printing the digits of a huge unscaled value is itself superlinear, so beyond {@value #MAX_CANONICAL_BITS}
     * bits (about 20,000 digits) the value is compared by its binary form and scale instead: a value that large
     * then equals only itself at the same scale, which can turn a merge into a conflict but never the reverse.
     */
    static String canonicalNumber(BigDecimal b) {
        if (b.signum() == 0) {
            return "0";
        }
        if (b.unscaledValue().bitLength() > MAX_CANONICAL_BITS) {
            return "#" + b.scale() + ':' + Base64.getEncoder().encodeToString(b.unscaledValue().toByteArray());
        }
        String all = b.unscaledValue().abs().toString();
        int end = all.length();
        while (end > 1 && all.charAt(end - 1) == '0') {
            end--;
        }
        String digits = all.substring(0, end);
        long scale = (long) b.scale() - (all.length() - end);
        StringBuilder out = new StringBuilder(b.signum() < 0 ? "-" : "");
        if (scale <= 0) {
            return -scale > MAX_PLAIN_ZEROS ? out.append(digits).append('E').append(-scale).toString()
                    : out.append(digits).append("0".repeat((int) -scale)).toString();
        }
        if (scale < digits.length()) {
            int point = digits.length() - (int) scale;
            return out.append(digits, 0, point).append('.').append(digits, point, digits.length()).toString();
        }
        long zeros = scale - digits.length();
        return zeros > MAX_PLAIN_ZEROS ? out.append(digits).append("E-").append(scale).toString()
                : out.append("0.").append("0".repeat((int) zeros)).append(digits).toString();
    }
}
