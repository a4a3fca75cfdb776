package io.github.concurrency4j.token;

import java.util.Collection;

/**
 * Signs the bytes of a version token and checks signatures: where the secret lives. The default,
 * {@link #hmacSha256(Collection)}, keeps secrets in memory; an implementation can instead call a key management
 * service or a hardware security module, so that the application never holds the key.
 *
 * <p>Field digests (the signed traces of a form's original values, see {@link VerifiedToken#isOriginal}) are made
 * with {@link #sign} too, one call per listed field when a token is issued and when a field is compared. They
 * compare only if {@code sign} is deterministic (HMAC, Ed25519); with a randomized signature (ECDSA, RSA-PSS)
 * tokens still verify, but every listed field counts as changed by the user, so a conflicting save is never
 * auto-merged (a 409 instead). After a key rotation, the digests of tokens signed with the previous key no longer
 * compare either, with the same safe outcome, until those forms are reloaded.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TokenSigner {

    /** The signature of {@code data} under the current key. */
    byte[] sign(byte[] data);

    /**
     * Whether {@code signature} is a valid signature of {@code data} under any key this signer accepts (the current
     * key and, during a rotation, previous ones). Must not throw for a signature of the wrong length or content:
     * answer {@code false}.
     */
    boolean verify(byte[] data, byte[] signature);

    /**
     * HMAC-SHA256 with in-memory secrets: signs with the first and verifies with any, comparing in constant time.
     * Field digests are made with the secret that verified the token, so they survive a rotation.
     *
     * @throws IllegalArgumentException when no secret is given or one is shorter than
     *     {@value VersionTokens#MIN_SECRET_BYTES} bytes
     */
    static TokenSigner hmacSha256(Collection<byte[]> secrets) {
        return HmacSha256Signer.of(secrets);
    }
}
