package io.github.concurrency4j.token;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies signed version tokens. A token binds (table, key, version) under an HMAC-SHA256 signature;
 * it may also carry signed digests of the original values of the fields a form showed, which lets a conflicting
 * save tell which fields changed on each side (see {@link VerifiedToken#isOriginal(String, Object)}).
 *
 * <pre>{@code
 * VersionTokens tokens = VersionTokens.of(List.of(currentSecret, previousSecret));
 * String token = tokens.sign("product", 42, row.version(), Map.of("name", row.get("name")));
 * // ... the token travels in a hidden form field and comes back ...
 * VerifiedToken verified = tokens.verify(submitted, "product", 42);   // throws InvalidTokenException
 * products.update(42, verified.version(), changes);
 * }</pre>
 *
 * <p>Secrets rotate: tokens are signed with the first secret and accepted when any secret verifies them, so a new
 * secret is put first and the old one kept until the forms signed with it have expired. Tokens are compact and
 * URL-safe ({@code [A-Za-z0-9_.-]}); signatures are compared in constant time. Thread-safe and immutable.
 */
public final class VersionTokens {
    /** The shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 16;
    /** The length of a generated random secret, in bytes. */
    public static final int RANDOM_SECRET_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String FORMAT = "1";
    private static final int DIGEST_BYTES = 12;
    private static final int MAX_FIELDS = 512;
    private static final int MAX_PLAIN_ZEROS = 1_000;
    private static final int MAX_CANONICAL_BITS = 65_536;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final List<SecretKeySpec> secrets;

    private VersionTokens(List<SecretKeySpec> secrets) {
        this.secrets = secrets;
    }

    /**
     * Tokens signed with the first secret and verified with any of them.
     *
     * @throws IllegalArgumentException when no secret is given or one is shorter than {@value #MIN_SECRET_BYTES}
     *     bytes
     */
    public static VersionTokens of(Collection<byte[]> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one signing secret is needed, but none was given.");
        }
        List<SecretKeySpec> keys = new ArrayList<>(secrets.size());
        int i = 0;
        for (byte[] s : secrets) {
            Objects.requireNonNull(s, "secret");
            if (s.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("Signing secret #" + (i + 1) + " must be at least "
                        + MIN_SECRET_BYTES + " bytes long, but was " + s.length + " bytes.");
            }
            keys.add(new SecretKeySpec(s.clone(), ALGORITHM));
            i++;
        }
        return new VersionTokens(List.copyOf(keys));
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

    /** A token for (table, key, version), without field digests. */
    public String sign(String table, Object key, long version) {
        return sign(table, key, version, Map.of());
    }

    /**
     * A token for (table, key, version) that also carries signed digests of the original values of these fields
     * (the fields a form shows). The values themselves are not in the token, only keyed digests of them.
     *
     * @param originalValues the fields' values as they were read, by field name; {@code null} values are allowed
     */
    public String sign(String table, Object key, long version, Map<String, ?> originalValues) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(originalValues, "originalValues");
        if (originalValues.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("A token carries at most " + MAX_FIELDS + " field digests, but "
                    + originalValues.size() + " fields were given.");
        }
        SecretKeySpec secret = secrets.get(0);
        String t = table.toLowerCase(Locale.ROOT);
        String k = canonical(key);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
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
        return FORMAT + "." + ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(secret, payload));
    }

    /**
     * Verifies a token submitted for a known row.
     *
     * @param token the submitted token; {@code null} or blank counts as missing
     * @param table the table the write is for
     * @param key the key of the row the write is for (compared as text: {@code 42L} and {@code "42"} are the same)
     * @return the verified token, carrying the version to pass as the expected version
     * @throws InvalidTokenException when the token is missing, malformed, forged or issued for another record
     */
    public VerifiedToken verify(String token, String table, Object key) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        if (token == null || token.isBlank()) {
            throw InvalidTokenException.missing(table, key);
        }
        VerifiedToken v = verify(token);
        if (!v.table().equals(table.toLowerCase(Locale.ROOT)) || !v.key().equals(canonical(key))) {
            throw InvalidTokenException.otherRecord(table, key);
        }
        return v;
    }

    /**
     * Verifies a token whose row is named by the token itself, such as a checkbox of a bulk selection, and checks
     * that it belongs to this table.
     *
     * @throws InvalidTokenException when the token is missing, malformed, forged or issued for another table
     */
    public VerifiedToken verify(String token, String table) {
        Objects.requireNonNull(table, "table");
        if (token == null || token.isBlank()) {
            throw InvalidTokenException.missing(table, "(selected rows)");
        }
        VerifiedToken v = verify(token);
        if (!v.table().equals(table.toLowerCase(Locale.ROOT))) {
            throw InvalidTokenException.otherRecord(table, v.key());
        }
        return v;
    }

    private VerifiedToken verify(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw InvalidTokenException.malformed("expected 3 parts, found " + parts.length);
        }
        if (!FORMAT.equals(parts[0])) {
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
        SecretKeySpec matched = null;
        for (SecretKeySpec secret : secrets) {
            // Every secret is tried, so the time taken does not tell which one matched.
            if (MessageDigest.isEqual(mac(secret, payload), signature) && matched == null) {
                matched = secret;
            }
        }
        if (matched == null) {
            throw InvalidTokenException.forged();
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
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
            return new VerifiedToken(this, matched, table, key, version, digests);
        } catch (IOException e) {
            // Signed yet unreadable: only a token from an incompatible build can get here.
            throw InvalidTokenException.malformed("truncated payload");
        }
    }

    boolean isOriginal(SecretKeySpec secret, VerifiedToken token, String field, Object value) {
        byte[] expected = token.digest(field);
        return expected != null
                && MessageDigest.isEqual(expected, digest(secret, token.table(), token.key(), field, value));
    }

    private static byte[] digest(SecretKeySpec secret, String table, String key, String field, Object value) {
        String text = "field\0" + table + '\0' + key + '\0' + field + '\0' + (value == null ? "\1null" : canonical(value));
        return Arrays.copyOf(mac(secret, text.getBytes(StandardCharsets.UTF_8)), DIGEST_BYTES);
    }

    private static byte[] mac(SecretKeySpec secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
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
