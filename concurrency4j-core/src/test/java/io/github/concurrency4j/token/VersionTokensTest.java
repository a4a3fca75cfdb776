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
        assertThat(token).matches("[A-Za-z0-9_.-]+").hasSizeLessThan(96);
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
        String token = tokens.sign(TokenPurpose.SELECTION, "product", 9, 4, Map.of());

        VerifiedToken v = tokens.verify(token, TokenPurpose.SELECTION, "product");

        assertThat(v.identity().key()).isEqualTo("9");
        assertThat(v.identity().version()).isEqualTo(4);
        assertThatThrownBy(() -> tokens.verify(token, TokenPurpose.SELECTION, "customer"))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("another record");
    }

    @Test
    void tokenIsRefusedForEveryPurposeButItsOwn() {
        for (TokenPurpose issued : TokenPurpose.values()) {
            String token = tokens.sign(issued, "customer", 7, 3, Map.of());
            for (TokenPurpose used : TokenPurpose.values()) {
                if (used == issued) {
                    assertThat(tokens.verify(token, used, "customer", 7).purpose()).isEqualTo(issued);
                    assertThat(tokens.verify(token, used, "customer").version()).isEqualTo(3);
                    continue;
                }
                InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                        () -> tokens.verify(token, used, "customer", 7));
                assertThat(e.reason()).as(issued + " used for " + used)
                        .isEqualTo(InvalidTokenException.Reason.OTHER_PURPOSE);
                assertThat(catchThrowableOfType(InvalidTokenException.class,
                        () -> tokens.verify(token, used, "customer")).reason())
                        .isEqualTo(InvalidTokenException.Reason.OTHER_PURPOSE);
            }
        }
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(
                tokens.sign(TokenPurpose.SELECTION, "customer", 7, 3, Map.of()), TokenPurpose.DELETE, "customer", 7));
        assertThat(e.getMessage()).contains("issued for a selection, not for the delete of customer 7",
                "nothing was written");
    }

    @Test
    void tokenOlderThanTheMaximumAgeIsRefusedAsExpired() {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-01-01T10:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        VersionTokens aging = tokens.withClock(clock).withMaxAge(java.time.Duration.ofHours(2));
        String token = aging.sign("product", 1, 3);

        now.set(now.get().plusSeconds(7_200));
        assertThat(aging.verify(token, "product", 1).issuedAt()).isEqualTo("2026-01-01T10:00:00Z");
        now.set(now.get().plusSeconds(1));
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> aging.verify(token, "product", 1));
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.EXPIRED);
        assertThat(e.getMessage()).contains("This form expired", "more than 2 hours ago", "Reload it");
        // Without a maximum age the same token is still good.
        assertThat(tokens.withClock(clock).verify(token, "product", 1).version()).isEqualTo(3);
        assertThatThrownBy(() -> tokens.withMaxAge(java.time.Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT0.01S");
    }

    @Test
    void tokenOfTheFormatBeforePurposesIsRefusedAsExpiredAndAForgedOneAsForged() throws Exception {
        // Format 1 as it was signed: table, key, version, no fields; HMAC-SHA256 over the payload.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeUTF("product");
            out.writeUTF("1");
            out.writeLong(3);
            out.writeShort(0);
        }
        byte[] payload = bytes.toByteArray();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET_A.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String legacy = "1." + b64.encodeToString(payload) + "." + b64.encodeToString(mac.doFinal(payload));

        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> tokens.verify(legacy, "product", 1));
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.EXPIRED);
        assertThat(e.getMessage()).contains("opened before the application was upgraded", "Reload it");
        String forgedLegacy = "1." + b64.encodeToString(payload) + "." + b64.encodeToString(new byte[32]);
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> tokens.verify(forgedLegacy, "product", 1))
                .reason()).isEqualTo(InvalidTokenException.Reason.FORGED);
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
