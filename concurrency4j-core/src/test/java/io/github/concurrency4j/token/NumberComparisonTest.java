package io.github.concurrency4j.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How field digests compare numbers: by value, and in time linear in the number's digits whatever its exponent. */
class NumberComparisonTest {

    @Test
    void numbersCompareByValueWhateverTheirType() {
        assertThat(VersionTokens.sameValue(12, 12L)).isTrue();
        assertThat(VersionTokens.sameValue(12, 12.0)).isTrue();
        assertThat(VersionTokens.sameValue(new BigDecimal("12.50"), new BigDecimal("1.25E+1"))).isTrue();
        assertThat(VersionTokens.sameValue(new BigDecimal("-0.0100"), -0.01)).isTrue();
        assertThat(VersionTokens.sameValue(new BigDecimal("0.000"), 0)).isTrue();
        assertThat(VersionTokens.sameValue(new BigDecimal("1E+3"), 1000)).isTrue();
        assertThat(VersionTokens.sameValue(new BigDecimal("12.5"), "12.5")).isTrue();
        assertThat(VersionTokens.sameValue(new BigDecimal("12.5"), new BigDecimal("12.05"))).isFalse();
        assertThat(VersionTokens.sameValue(new BigDecimal("0.001"), new BigDecimal("0.01"))).isFalse();
    }

    @Test
    void hugeExponentsCompareWithoutPrintingEveryZero() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(VersionTokens.sameValue(new BigDecimal("1.00e300000"), new BigDecimal("1E+300000"))).isTrue();
            assertThat(VersionTokens.sameValue(new BigDecimal("1e300000"), new BigDecimal("1E+299999"))).isFalse();
            assertThat(VersionTokens.sameValue(new BigDecimal("1e-400000"), new BigDecimal("10e-400001"))).isTrue();
            assertThat(VersionTokens.sameValue(new BigDecimal("1e-400000"), new BigDecimal("0"))).isFalse();
        });
    }

    @Test
    void hugeDigitCountsCompareInBoundedTime() {
        // stripTrailingZeros divides by ten once per trailing zero: 80,000 digits took 19.5 s, and the money field
        // "1e40000" rounded to cents is a 40,002-digit number.
        BigDecimal cents = new BigDecimal("1e40000").setScale(2);
        BigDecimal digits = new BigDecimal(BigInteger.TEN.pow(80_000).add(BigInteger.ONE).multiply(BigInteger.TEN
                .pow(40_000)));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(VersionTokens.sameValue(cents, cents)).isTrue();
            assertThat(VersionTokens.sameValue(cents, new BigDecimal("1e40000"))).isFalse();   // see canonicalNumber
            assertThat(VersionTokens.sameValue(digits, digits.add(BigDecimal.ONE))).isFalse();
            assertThat(VersionTokens.sameValue(digits, new BigDecimal(digits.unscaledValue()))).isTrue();
        });
    }
}
