package io.github.concurrency4j.token;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The default {@link TokenSigner}: HMAC-SHA256 with in-memory secrets, the first signing. */
final class HmacSha256Signer implements TokenSigner {
    private static final String ALGORITHM = "HmacSHA256";

    private final List<SecretKeySpec> secrets;

    private HmacSha256Signer(List<SecretKeySpec> secrets) {
        this.secrets = secrets;
    }

    static HmacSha256Signer of(Collection<byte[]> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("At least one signing secret is needed, but none was given.");
        }
        List<SecretKeySpec> keys = new ArrayList<>(secrets.size());
        int i = 0;
        for (byte[] s : secrets) {
            Objects.requireNonNull(s, "secret");
            if (s.length < VersionTokens.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("Signing secret #" + (i + 1) + " must be at least "
                        + VersionTokens.MIN_SECRET_BYTES + " bytes long, but was " + s.length + " bytes.");
            }
            keys.add(new SecretKeySpec(s.clone(), ALGORITHM));
            i++;
        }
        return new HmacSha256Signer(List.copyOf(keys));
    }

    @Override
    public byte[] sign(byte[] data) {
        return mac(secrets.get(0), data);
    }

    @Override
    public boolean verify(byte[] data, byte[] signature) {
        return matching(data, signature) != null;
    }

    VersionTokens.DigestKey signingKey() {
        SecretKeySpec first = secrets.get(0);
        return data -> mac(first, data);
    }

    /** The key of the secret that verifies the signature, or {@code null} when none does. */
    VersionTokens.DigestKey matching(byte[] data, byte[] signature) {
        SecretKeySpec matched = null;
        for (SecretKeySpec secret : secrets) {
            // Every secret is tried, so the time taken does not tell which one matched.
            if (MessageDigest.isEqual(mac(secret, data), signature) && matched == null) {
                matched = secret;
            }
        }
        if (matched == null) {
            return null;
        }
        SecretKeySpec key = matched;
        return d -> mac(key, d);
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
}
