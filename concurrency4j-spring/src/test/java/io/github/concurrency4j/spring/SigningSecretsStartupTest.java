package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.TokenSigner;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Startup with the signing properties as an operator writes them, placeholders resolved by Spring: a secret that is
 * empty, too short or still an unresolved {@code ${...}} placeholder refuses startup, naming the property and the
 * variable; the documented rotation example starts with the previous secret unset and accepts no token signed with
 * the placeholder's literal text.
 */
class SigningSecretsStartupTest {
    // Names nobody sets: the test relies on them being absent from the environment.
    private static final String UNSET = "C4J_TEST_UNSET_SECRET_7F3A";
    private static final String UNSET_PREVIOUS = "C4J_TEST_UNSET_PREVIOUS_SECRET_7F3A";
    private static final String CURRENT = "the-current-secret-0123456789";
    private static final String PREVIOUS = "the-previous-secret-0123456789";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class))
            .withPropertyValues("C4J_TEST_SECRET=" + CURRENT, "C4J_TEST_PREVIOUS=" + PREVIOUS);

    private static String startupFailure(org.springframework.boot.test.context.assertj.AssertableApplicationContext c) {
        assertThat(c).hasFailed();
        Throwable t = c.getStartupFailure();
        StringBuilder messages = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void oldRotationExampleWithThePreviousSecretUnsetRefusesStartupNamingPropertyAndVariable() {
        assertThat(System.getenv(UNSET_PREVIOUS)).isNull();
        runner.withPropertyValues("concurrency4j.signing.secrets=${C4J_TEST_SECRET},${" + UNSET_PREVIOUS + "}")
                .run(c -> assertThat(startupFailure(c)).contains("concurrency4j.signing.secrets[1]",
                        "unresolved placeholder ${" + UNSET_PREVIOUS + "}", "variable or property " + UNSET_PREVIOUS
                                + " is not set", "concurrency4j.signing.previous-secrets as ${" + UNSET_PREVIOUS
                                + ":}"));
    }

    @Test
    void unsetCurrentSecretRefusesStartupNamingTheVariableNotMeasuringThePlaceholder() {
        assertThat(System.getenv(UNSET)).isNull();
        runner.withPropertyValues("concurrency4j.signing.secrets=${" + UNSET + "}")
                .run(c -> assertThat(startupFailure(c)).contains("concurrency4j.signing.secrets[0]", UNSET,
                        "is not set").doesNotContain("bytes long, but was"));
        runner.withPropertyValues("concurrency4j.signing.previous-secrets=${" + UNSET_PREVIOUS + "}",
                        "concurrency4j.signing.secrets=${C4J_TEST_SECRET}")
                .run(c -> assertThat(startupFailure(c)).contains("concurrency4j.signing.previous-secrets[0]",
                        UNSET_PREVIOUS, "or write ${" + UNSET_PREVIOUS + ":} to leave it out"));
    }

    @Test
    void emptyOrShortSecretRefusesStartupNamingTheEntry() {
        runner.withPropertyValues("concurrency4j.signing.secrets[0]=${C4J_TEST_SECRET}",
                        "concurrency4j.signing.secrets[1]=")
                .run(c -> assertThat(startupFailure(c)).contains("concurrency4j.signing.secrets[1] is empty"));
        runner.withPropertyValues("concurrency4j.signing.secrets=short-secret")
                .run(c -> assertThat(startupFailure(c)).contains("concurrency4j.signing.secrets[0] must be at "
                        + "least 16 bytes long, but was 12 bytes"));
        runner.withPropertyValues("concurrency4j.signing.previous-secrets=${C4J_TEST_PREVIOUS}")
                .run(c -> assertThat(startupFailure(c)).contains("previous-secrets is set but "
                        + "concurrency4j.signing.secrets is not"));
    }

    @Test
    void documentedRotationStartsWithThePreviousSecretUnsetAndRefusesTokensSignedWithThePlaceholderText() {
        runner.withPropertyValues("concurrency4j.signing.secrets=${C4J_TEST_SECRET}",
                        "concurrency4j.signing.previous-secrets=${" + UNSET_PREVIOUS + ":}")
                .run(c -> {
                    assertThat(c).hasNotFailed();
                    VersionTokens tokens = c.getBean(VersionTokens.class);
                    for (String literal : List.of("${" + UNSET_PREVIOUS + "}", "${" + UNSET_PREVIOUS + ":}",
                            "${C4J_TEST_SECRET}")) {
                        String forged = VersionTokens.ofStrings(List.of(literal)).sign("item", 1, 3);
                        assertThat(catchThrowableOfType(InvalidTokenException.class,
                                () -> tokens.verify(forged, "item", 1)).reason()).as(literal)
                                .isEqualTo(InvalidTokenException.Reason.FORGED);
                    }
                    String genuine = VersionTokens.ofStrings(List.of(CURRENT)).sign("item", 1, 3);
                    assertThat(tokens.verify(genuine, "item", 1).version()).isEqualTo(3);
                });
    }

    @Test
    void documentedRotationWithThePreviousSecretSetAcceptsItsTokensButSignsWithTheCurrentOne() {
        runner.withPropertyValues("concurrency4j.signing.secrets=${C4J_TEST_SECRET}",
                        "concurrency4j.signing.previous-secrets=${C4J_TEST_PREVIOUS:}",
                        "concurrency4j.signing.max-age=8h")
                .run(c -> {
                    VersionTokens tokens = c.getBean(VersionTokens.class);
                    String old = VersionTokens.ofStrings(List.of(PREVIOUS)).sign("item", 1, 3);
                    assertThat(tokens.verify(old, "item", 1).version()).isEqualTo(3);
                    String fresh = tokens.sign("item", 1, 4);
                    assertThat(VersionTokens.ofStrings(List.of(CURRENT)).verify(fresh, "item", 1).version())
                            .isEqualTo(4);
                    assertThat(catchThrowableOfType(InvalidTokenException.class, () -> VersionTokens
                            .ofStrings(List.of(PREVIOUS)).verify(fresh, "item", 1))).isNotNull();
                    assertThat(tokens.maxAge()).contains(Duration.ofHours(8));
                });
    }

    /** A signer other than the default: HMAC-SHA512, as a KMS might hold it. */
    private static final class HmacSha512Signer implements TokenSigner {
        private final javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(
                "a-key-kept-in-a-kms-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA512");

        @Override
        public byte[] sign(byte[] data) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA512");
                mac.init(key);
                return mac.doFinal(data);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean verify(byte[] data, byte[] signature) {
            return java.security.MessageDigest.isEqual(sign(data), signature);
        }
    }

    @Test
    void tokenSignerBeanSignsTheTokensAndTheSecretsMustThenBeUnset() {
        runner.withBean(TokenSigner.class, HmacSha512Signer::new)
                .withPropertyValues("concurrency4j.signing.max-age=1h")
                .run(c -> {
                    VersionTokens tokens = c.getBean(VersionTokens.class);
                    String token = tokens.sign("item", 1, 3, java.util.Map.of("name", "x"));
                    VerifiedToken v = VersionTokens.of(new HmacSha512Signer()).verify(token, "item", 1);
                    assertThat(v.version()).isEqualTo(3);
                    assertThat(v.isOriginal("name", "x")).isTrue();
                    assertThat(tokens.maxAge()).contains(Duration.ofHours(1));
                    String hmac256 = VersionTokens.ofStrings(List.of(CURRENT)).sign("item", 1, 3);
                    assertThat(catchThrowableOfType(InvalidTokenException.class,
                            () -> tokens.verify(hmac256, "item", 1)).reason())
                            .isEqualTo(InvalidTokenException.Reason.FORGED);
                });
        runner.withBean(TokenSigner.class, HmacSha512Signer::new)
                .withPropertyValues("concurrency4j.signing.secrets=${C4J_TEST_SECRET}")
                .run(c -> assertThat(startupFailure(c)).contains("A TokenSigner bean is declared and "
                        + "concurrency4j.signing.secrets"));
    }
}
