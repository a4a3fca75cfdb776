package io.github.concurrency4j.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionTokensTest {
    private static final String SECRET_A = "first-secret-of-at-least-16-bytes";
    private static final String SECRET_B = "second-secret-of-at-least-16-bytes";

    private final VersionTokens tokens = VersionTokens.ofStrings(List.of(SECRET_A));

    @Test
    void tokenRoundTripsTableKeyAndVersion() {
        String token = tokens.sign("Product", 42L, 7);

        VerifiedToken v = tokens.verify(token, "product", "42");

        assertThat(v.table()).isEqualTo("product");
        assertThat(v.key()).isEqualTo("42");
        assertThat(v.version()).isEqualTo(7);
        assertThat(v.fields()).isEmpty();
        assertThat(token).matches("[A-Za-z0-9_.-]+").hasSizeLessThan(80);
    }

    @Test
    void missingTokenIsRefused() {
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> tokens.verify(null, "product", 1));
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.MISSING);
        assertThat(e.getMessage()).contains("No version token", "product 1", "nothing was written");
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(" ", "product", 1)).reason())
                .isEqualTo(InvalidTokenException.Reason.MISSING);
    }

    @Test
    void tokenForAnotherRowOrTableIsRefused() {
        String token = tokens.sign("product", 1, 3);

        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(token, "product", 2))
                .reason()).isEqualTo(InvalidTokenException.Reason.OTHER_RECORD);
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> tokens.verify(token, "customer", 1));
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.OTHER_RECORD);
        assertThat(e.getMessage()).contains("issued for another record", "customer 1");
    }

    @Test
    void alteredVersionIsDetectedAsForgery() {
        String token = tokens.sign("product", 1, 3);
        String[] parts = token.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        payload[payload.length - 3] ^= 1; // a bit of the version
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "."
                + parts[2];

        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(altered, "product", 1))
                .reason()).isEqualTo(InvalidTokenException.Reason.FORGED);
    }

    @Test
    void tokenSignedWithUnknownSecretIsForged() {
        String foreign = VersionTokens.ofStrings(List.of(SECRET_B)).sign("product", 1, 3);

        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> tokens.verify(foreign, "product", 1));
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.FORGED);
        assertThat(e.getMessage()).contains("signature is not valid");
    }

    @Test
    void garbageIsMalformed() {
        for (String garbage : List.of("abc", "1.abc", "2.AAAA.AAAA", "1.!!!.AAAA", "1..", "1.a.b.c")) {
            assertThat(catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(garbage, "product", 1))
                    .reason()).as(garbage).isIn(InvalidTokenException.Reason.MALFORMED,
                    InvalidTokenException.Reason.FORGED);
        }
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify("abc", "product", 1))
                .getMessage()).contains("malformed");
    }

    @Test
    void rotationSignsWithFirstSecretAndAcceptsAny() {
        VersionTokens old = VersionTokens.ofStrings(List.of(SECRET_A));
        VersionTokens rotated = VersionTokens.ofStrings(List.of(SECRET_B, SECRET_A));
        VersionTokens newOnly = VersionTokens.ofStrings(List.of(SECRET_B));

        String issuedBeforeRotation = old.sign("product", 1, 5, Map.of("name", "apple"));
        VerifiedToken v = rotated.verify(issuedBeforeRotation, "product", 1);
        assertThat(v.version()).isEqualTo(5);
        assertThat(v.isOriginal("name", "apple")).isTrue();

        String issuedAfter = rotated.sign("product", 1, 6);
        assertThat(newOnly.verify(issuedAfter, "product", 1).version()).isEqualTo(6);
        assertThatThrownBy(() -> old.verify(issuedAfter, "product", 1)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void fieldDigestsTellWhetherAValueIsTheOriginal() {
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("name", "apple");
        original.put("price", new BigDecimal("12.50"));
        original.put("note", null);
        String token = tokens.sign("product", 1, 2, original);

        VerifiedToken v = tokens.verify(token, "product", 1);

        assertThat(v.fields()).containsExactly("name", "price", "note");
        assertThat(v.isOriginal("name", "apple")).isTrue();
        assertThat(v.isOriginal("name", "apples")).isFalse();
        assertThat(v.isOriginal("price", "12.5")).isTrue();
        assertThat(v.isOriginal("price", 12.5)).isTrue();
        assertThat(v.isOriginal("price", 13)).isFalse();
        assertThat(v.isOriginal("note", null)).isTrue();
        assertThat(v.isOriginal("note", "null")).isFalse();
        assertThat(v.isOriginal("stock", 1)).isFalse();
        assertThat(token).doesNotContain("apple");
        assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
                .doesNotContain("apple");
    }

    @Test
    void digestsAreBoundToTheirRow() {
        String row1 = tokens.sign("product", 1, 2, Map.of("name", "apple"));
        String row2 = tokens.sign("product", 2, 2, Map.of("name", "apple"));
        assertThat(row1.split("\\.")[1]).isNotEqualTo(row2.split("\\.")[1]);
    }

    @Test
    void tokenWithoutKeyNamesItsRowForBulkSelections() {
        String token = tokens.sign("product", 9, 4);

        VerifiedToken v = tokens.verify(token, "product");

        assertThat(v.identity().key()).isEqualTo("9");
        assertThat(v.identity().version()).isEqualTo(4);
        assertThatThrownBy(() -> tokens.verify(token, "customer")).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("another record");
    }

    @Test
    void shortOrAbsentSecretsAreRefusedWithTheBadLength() {
        assertThatThrownBy(() -> VersionTokens.ofStrings(List.of("short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was 5 bytes");
        assertThatThrownBy(() -> VersionTokens.ofStrings(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none was given");
    }

    @Test
    void randomTokensVerifyOnlyInTheirOwnInstance() {
        VersionTokens a = VersionTokens.random();
        VersionTokens b = VersionTokens.random();
        String token = a.sign("product", 1, 1);
        assertThat(a.verify(token, "product", 1).version()).isEqualTo(1);
        assertThatThrownBy(() -> b.verify(token, "product", 1)).isInstanceOf(InvalidTokenException.class);
    }
}
