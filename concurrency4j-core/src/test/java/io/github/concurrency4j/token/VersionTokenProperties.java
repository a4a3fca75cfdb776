package io.github.concurrency4j.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Token decoding under arbitrary mutation: whatever is done to a genuine token (a bit flipped anywhere, a character
 * replaced, the string cut short, garbage, its fields re-encoded with another version or key, or the token used for
 * another purpose, table or row), it never verifies, and the refusal names a reason and says nothing was written.
 */
class VersionTokenProperties {
    private static final VersionTokens TOKENS = VersionTokens.ofStrings(List.of("property-secret-0123456789abcdef"));
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

    /** What a token was issued for: purpose, table, key, version, fields. */
    record Issued(TokenPurpose purpose, String table, String key, long version, Map<String, String> fields) {
        String sign() {
            return TOKENS.sign(purpose, table, key, version, fields);
        }
    }

    @Provide
    Arbitrary<Issued> issued() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(20));
        Arbitrary<Map<String, String>> fields = Arbitraries.maps(names, Arbitraries.strings().ofMaxLength(16))
                .ofMaxSize(4);
        return Combinators.combine(Arbitraries.of(TokenPurpose.class), names, keys, Arbitraries.longs(), fields)
                .as(Issued::new);
    }

    private static InvalidTokenException refused(String token, Issued as) {
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> TOKENS.verify(token, as.purpose(), as.table(), as.key()));
        assertThat(e).as("verified: " + token).isNotNull();
        assertThat(e.getMessage()).contains("nothing was written");
        return e;
    }

    @Property(tries = 250)
    void genuineTokenVerifiesForWhatItWasIssuedFor(@ForAll("issued") Issued issued) {
        VerifiedToken v = TOKENS.verify(issued.sign(), issued.purpose(), issued.table(), issued.key());
        assertThat(v.purpose()).isEqualTo(issued.purpose());
        assertThat(v.table()).isEqualTo(issued.table().toLowerCase(Locale.ROOT));
        assertThat(v.version()).isEqualTo(issued.version());
        assertThat(v.fields()).isEqualTo(issued.fields().keySet());
        issued.fields().forEach((f, value) -> assertThat(v.isOriginal(f, value)).isTrue());
    }

    @Property(tries = 250)
    void anyFlippedBitIsRefusedAsForgedOrMalformed(@ForAll("issued") Issued issued, @ForAll boolean inSignature,
                                                   @ForAll @IntRange(min = 0, max = 100_000) int position) {
        String[] parts = issued.sign().split("\\.");
        int part = inSignature ? 2 : 1;
        byte[] bytes = UNB64.decode(parts[part]);
        int bit = position % (bytes.length * 8);
        bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        parts[part] = B64.encodeToString(bytes);

        assertThat(refused(String.join(".", parts), issued).reason())
                .isIn(InvalidTokenException.Reason.FORGED, InvalidTokenException.Reason.MALFORMED);
    }

    @Property(tries = 250)
    void anyReplacedCharacterIsRefused(@ForAll("issued") Issued issued,
                                       @ForAll @IntRange(min = 0, max = 100_000) int position,
                                       @ForAll @IntRange(min = 0, max = 64) int replacement) {
        String token = issued.sign();
        int at = position % token.length();
        char c = ALPHABET.charAt(replacement);
        Assume.that(token.charAt(at) != c);
        String mutated = token.substring(0, at) + c + token.substring(at + 1);

        assertThat(refused(mutated, issued).reason()).isIn(InvalidTokenException.Reason.FORGED,
                InvalidTokenException.Reason.MALFORMED);
    }

    @Property(tries = 250)
    void anyTruncationIsRefused(@ForAll("issued") Issued issued, @ForAll @IntRange(min = 0, max = 100_000) int cut) {
        String token = issued.sign();
        String truncated = token.substring(0, cut % token.length());

        assertThat(refused(truncated, issued).reason()).isIn(InvalidTokenException.Reason.FORGED,
                InvalidTokenException.Reason.MALFORMED, InvalidTokenException.Reason.MISSING);
    }

    @Property(tries = 250)
    void garbageIsRefused(@ForAll("issued") Issued issued, @ForAll String garbage,
                          @ForAll byte[] payload, @ForAll byte[] signature) {
        assertThat(refused(garbage, issued).reason()).isIn(InvalidTokenException.Reason.MALFORMED,
                InvalidTokenException.Reason.MISSING, InvalidTokenException.Reason.FORGED);
        for (String format : List.of("1", "2", "3")) {
            String shaped = format + "." + B64.encodeToString(payload) + "." + B64.encodeToString(signature);
            assertThat(refused(shaped, issued).reason()).isIn(InvalidTokenException.Reason.MALFORMED,
                    InvalidTokenException.Reason.FORGED);
        }
    }

    @Property(tries = 250)
    void payloadReencodedWithAnotherVersionOrKeyKeepingTheSignatureIsForged(@ForAll("issued") Issued issued,
                                                                           @ForAll long otherVersion,
                                                                           @ForAll boolean changeKey) {
        Issued other = changeKey
                ? new Issued(issued.purpose(), issued.table(), issued.key() + "0", issued.version(), issued.fields())
                : new Issued(issued.purpose(), issued.table(), issued.key(), otherVersion, issued.fields());
        Assume.that(!other.equals(issued));
        String[] genuine = issued.sign().split("\\.");
        String[] wanted = other.sign().split("\\.");
        String spliced = wanted[0] + "." + wanted[1] + "." + genuine[2];

        assertThat(refused(spliced, other).reason()).isEqualTo(InvalidTokenException.Reason.FORGED);
    }

    @Property(tries = 250)
    void genuineTokenIsRefusedForAnotherPurposeTableOrRow(@ForAll("issued") Issued issued,
                                                         @ForAll TokenPurpose purpose,
                                                         @ForAll("issued") Issued elsewhere) {
        String token = issued.sign();
        Set<TokenPurpose> others = EnumSet.complementOf(EnumSet.of(issued.purpose()));
        for (TokenPurpose p : others) {
            assertThat(refused(token, new Issued(p, issued.table(), issued.key(), 0, Map.of())).reason())
                    .isEqualTo(InvalidTokenException.Reason.OTHER_PURPOSE);
        }
        boolean sameRecord = elsewhere.table().equalsIgnoreCase(issued.table())
                && VersionTokens.sameValue(elsewhere.key(), issued.key());
        Assume.that(!sameRecord);
        Issued otherRecord = new Issued(issued.purpose(), elsewhere.table(), elsewhere.key(), 0, Map.of());
        assertThat(refused(token, otherRecord).reason()).isEqualTo(InvalidTokenException.Reason.OTHER_RECORD);
    }
}
