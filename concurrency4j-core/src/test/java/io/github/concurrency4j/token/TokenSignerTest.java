package io.github.concurrency4j.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Tokens with a signer other than the default HMAC: Ed25519 key pairs, the kind of asymmetric key a KMS or an HSM
 * holds (the application could verify with the public key alone). Everything a token promises holds the same way.
 */
class TokenSignerTest {

    /** Signs with the first key pair, verifies with any: rotation, as the default signer does it. */
    static final class Ed25519Signer implements TokenSigner {
        private final List<KeyPair> keys;
        final AtomicInteger signatures = new AtomicInteger();

        Ed25519Signer(KeyPair... keys) {
            this.keys = List.of(keys);
        }

        static KeyPair newKey() throws GeneralSecurityException {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }

        @Override
        public byte[] sign(byte[] data) {
            signatures.incrementAndGet();
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(keys.get(0).getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean verify(byte[] data, byte[] signature) {
            for (KeyPair k : keys) {
                try {
                    Signature s = Signature.getInstance("Ed25519");
                    s.initVerify(k.getPublic());
                    s.update(data);
                    if (s.verify(signature)) {
                        return true;
                    }
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    // A signature of the wrong shape is simply not valid.
                }
            }
            return false;
        }
    }

    @Test
    void tokensOfAnotherSignerVerifyAndCarryTheirFieldDigests() throws Exception {
        Ed25519Signer signer = new Ed25519Signer(Ed25519Signer.newKey());
        VersionTokens tokens = VersionTokens.of(signer);
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("name", "apple");
        original.put("price", 10);

        String token = tokens.sign(TokenPurpose.EDIT, "product", 1, 4, original);
        VerifiedToken v = tokens.verify(token, "product", 1);

        assertThat(signer.signatures.get()).isEqualTo(3); // the payload and one digest per field
        assertThat(v.version()).isEqualTo(4);
        assertThat(v.isOriginal("name", "apple")).isTrue();
        assertThat(v.isOriginal("price", 10L)).isTrue();
        assertThat(v.isOriginal("name", "pear")).isFalse();
        assertThat(catchThrowableOfType(InvalidTokenException.class,
                () -> tokens.verify(token, TokenPurpose.DELETE, "product", 1)).reason())
                .isEqualTo(InvalidTokenException.Reason.OTHER_PURPOSE);
    }

    @Test
    void tokenOfAnotherKeyOrTheDefaultSignerIsForged() throws Exception {
        VersionTokens ours = VersionTokens.of(new Ed25519Signer(Ed25519Signer.newKey()));
        VersionTokens theirs = VersionTokens.of(new Ed25519Signer(Ed25519Signer.newKey()));
        VersionTokens hmac = VersionTokens.ofStrings(List.of("an-hmac-secret-0123456789"));

        for (String foreign : List.of(theirs.sign("product", 1, 4), hmac.sign("product", 1, 4))) {
            InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                    () -> ours.verify(foreign, "product", 1));
            assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.FORGED);
        }
        String mine = ours.sign("product", 1, 4);
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> hmac.verify(mine, "product", 1)).reason())
                .isEqualTo(InvalidTokenException.Reason.FORGED);
    }

    @Test
    void rotatedSignerAcceptsTokensOfThePreviousKeyAndSignsWithTheNewOne() throws Exception {
        KeyPair old = Ed25519Signer.newKey();
        KeyPair fresh = Ed25519Signer.newKey();
        String before = VersionTokens.of(new Ed25519Signer(old)).sign("product", 1, 4);
        VersionTokens rotated = VersionTokens.of(new Ed25519Signer(fresh, old));

        assertThat(rotated.verify(before, "product", 1).version()).isEqualTo(4);
        String after = rotated.sign("product", 1, 5);
        assertThat(VersionTokens.of(new Ed25519Signer(fresh)).verify(after, "product", 1).version()).isEqualTo(5);
        assertThat(catchThrowableOfType(InvalidTokenException.class,
                () -> VersionTokens.of(new Ed25519Signer(old)).verify(after, "product", 1))).isNotNull();
    }

    @Test
    void defaultSignerIsHmacSha256AndInterchangeableWithTheSecretFactories() {
        List<byte[]> secrets = List.of("the-one-secret-0123456789".getBytes());
        String token = VersionTokens.of(TokenSigner.hmacSha256(secrets)).sign("product", 1, 4, Map.of("name", "a"));
        VerifiedToken v = VersionTokens.of(secrets).verify(token, "product", 1);
        assertThat(v.isOriginal("name", "a")).isTrue();
    }
}
