package io.github.concurrency4j.spring.web;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Reads a decimal number a client sent (form text or a JSON number) with bounded work, refusing absurd sizes with a
 * 400 that names the field.
 *
 * <p>Why: {@code new BigDecimal("1e300000")} is four characters of input, but its canonical forms are not:
 * {@code stripTrailingZeros}, {@code toPlainString}, {@code setScale} and comparisons of such values take time
 * that grows with the exponent (tens of seconds for {@code 1e300000}), and 80,000 typed digits cost seconds more.
 * Every number from user input goes through here before it is scaled, compared, digested into a token or written:
 * the text is refused beyond a length that follows from the field's own limits, then the value beyond its digits
 * before and after the decimal point. A caller that wants rounding (money to cents) rounds the returned value,
 * which is then cheap.
 *
 * <pre>{@code
 * BigDecimal price = DecimalInput.parse("price", form.get("price"), 8, 2);   // DECIMAL(10, 2)
 * }</pre>
 */
public final class DecimalInput {
    /** Characters allowed beyond the digits themselves: sign, decimal point, exponent, surrounding spaces. */
    private static final int NOTATION_CHARS = 16;

    private DecimalInput() {
    }

    /**
     * The number in {@code input}: a {@link CharSequence} (typed text, surrounding whitespace ignored) or a
     * {@link Number} (as a JSON parser produced it).
     *
     * @param field the field's name as the client knows it, for the error
     * @param input the submitted value; {@code null} answers {@code null}
     * @param maxIntegerDigits the most digits before the decimal point (for SQL {@code DECIMAL(p, s)}: p - s)
     * @param maxFractionDigits the most significant digits after the decimal point (trailing zeros not counted)
     * @throws InvalidFieldValueException (400) when the input is not a finite number, or has more digits before or
     *     after the decimal point than allowed; the message names the field and the limit
     */
    public static BigDecimal parse(String field, Object input, int maxIntegerDigits, int maxFractionDigits) {
        if (maxIntegerDigits < 0 || maxFractionDigits < 0) {
            throw new IllegalArgumentException("Digit limits must be >= 0, but were " + maxIntegerDigits + " and "
                    + maxFractionDigits);
        }
        if (input == null) {
            return null;
        }
        int maxDigits = maxIntegerDigits + maxFractionDigits;
        BigDecimal value;
        if (input instanceof BigDecimal b) {
            value = checkedSize(field, b, maxDigits);
        } else if (input instanceof BigInteger b) {
            value = checkedSize(field, new BigDecimal(b), maxDigits);
        } else if (input instanceof Long || input instanceof Integer || input instanceof Short
                || input instanceof Byte) {
            value = BigDecimal.valueOf(((Number) input).longValue());
        } else if (input instanceof Double d && (d.isNaN() || d.isInfinite())
                || input instanceof Float f && (f.isNaN() || f.isInfinite())) {
            throw notANumber(field, String.valueOf(input));
        } else if (input instanceof Double || input instanceof Float) {
            // A double's text is at most about 25 characters: cheap to parse.
            value = new BigDecimal(input.toString());
        } else if (input instanceof CharSequence s) {
            value = fromText(field, s.toString().strip(), maxDigits);
        } else {
            throw notANumber(field, String.valueOf(input));
        }
        // Bounded by the checks above: the unscaled value has few digits, so stripping zeros is cheap.
        BigDecimal stripped = value.stripTrailingZeros();
        long integerDigits = Math.max(0L, (long) stripped.precision() - stripped.scale());
        if (integerDigits > maxIntegerDigits) {
            throw new InvalidFieldValueException(field, field + " accepts at most " + maxIntegerDigits + " digit"
                    + (maxIntegerDigits == 1 ? "" : "s") + " before the decimal point, but the value sent has "
                    + integerDigits + ". Nothing was saved.");
        }
        long fractionDigits = Math.max(0, stripped.scale());
        if (fractionDigits > maxFractionDigits) {
            throw new InvalidFieldValueException(field, field + " accepts at most " + maxFractionDigits + " digit"
                    + (maxFractionDigits == 1 ? "" : "s") + " after the decimal point, but the value sent has "
                    + fractionDigits + ". Nothing was saved.");
        }
        return value;
    }

    private static BigDecimal fromText(String field, String text, int maxDigits) {
        if (text.isEmpty()) {
            throw new InvalidFieldValueException(field, field + " must be a number, but was blank. Nothing was saved.");
        }
        if (text.length() > maxDigits + NOTATION_CHARS) {
            throw tooLong(field, maxDigits, text.length() + " characters");
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw notANumber(field, text);
        }
    }

    private static BigDecimal checkedSize(String field, BigDecimal value, int maxDigits) {
        // precision() of a huge unscaled value is itself costly; its bit length is not (log2(10) < 3.33 bits/digit).
        long bits = value.unscaledValue().bitLength();
        if (bits > 4L * (maxDigits + NOTATION_CHARS)) {
            throw tooLong(field, maxDigits, "about " + (long) (bits / 3.33) + " digits");
        }
        return value;
    }

    private static InvalidFieldValueException tooLong(String field, int maxDigits, String size) {
        return new InvalidFieldValueException(field, field + " accepts a number of at most " + maxDigits
                + " digits, but the value sent has " + size + ". Nothing was saved.");
    }

    private static InvalidFieldValueException notANumber(String field, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return new InvalidFieldValueException(field, field + " must be a number, but was '" + shown
                + "'. Nothing was saved.");
    }
}
