package io.github.concurrency4j.benchmarks;

import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A form's round trip through {@link VersionTokens}: sign (table, key, version) when the form is rendered, verify
 * when it comes back. The baseline is the cryptography alone: two HMAC-SHA256 computations over a payload of the
 * same size, each with its own {@code Mac} instance as the tokens use, so the ratio is the price of the token format
 * (encoding, parsing, binding checks).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class VersionTokenBenchmark {
    private static final byte[] SECRET = "benchmark secret, 32 bytes long!".getBytes(StandardCharsets.UTF_8);

    private VersionTokens tokens;
    private SecretKeySpec key;
    private byte[] payload;
    private Map<String, Object> shownFields;
    private long version;

    @Setup
    public void setUp() {
        tokens = VersionTokens.of(List.of(SECRET));
        key = new SecretKeySpec(SECRET, "HmacSHA256");
        // What a token signs for ("product", 42, version): two short strings and a long.
        payload = new byte[2 + "product".length() + 2 + 2 + 8 + 2];
        shownFields = Map.of("name", "Blue mug", "price", 12, "stock", 340);
    }

    @Benchmark
    public VerifiedToken signAndVerify() {
        long v = ++version;
        String token = tokens.sign("product", 42L, v);
        return tokens.verify(token, "product", 42L);
    }

    /** A form that also signs digests of the three fields it shows (for field-level conflict reports). */
    @Benchmark
    public VerifiedToken signAndVerifyWithThreeFields() {
        long v = ++version;
        String token = tokens.sign("product", 42L, v, shownFields);
        return tokens.verify(token, "product", 42L);
    }

    @Benchmark
    public byte[] hmacTwice() throws GeneralSecurityException {
        payload[payload.length - 3] = (byte) ++version;
        Mac signing = Mac.getInstance("HmacSHA256");
        signing.init(key);
        byte[] signature = signing.doFinal(payload);
        Mac verifying = Mac.getInstance("HmacSHA256");
        verifying.init(key);
        byte[] check = verifying.doFinal(payload);
        check[0] ^= signature[0];
        return check;
    }
}
