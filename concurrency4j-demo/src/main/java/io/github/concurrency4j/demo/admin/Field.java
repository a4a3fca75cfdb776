package io.github.concurrency4j.demo.admin;

import io.github.concurrency4j.spring.web.DecimalInput;
import io.github.concurrency4j.spring.web.InvalidFieldValueException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One editable column of an admin table: how it is labelled, typed in and parsed.
 *
 * @param column the database column
 * @param label what the form calls it
 * @param kind how it is typed and parsed
 * @param inGrid whether the list page edits it inline
 */
public record Field(String column, String label, Kind kind, boolean inGrid) {
    /** Money columns are DECIMAL(10, 2). */
    private static final int MONEY_INTEGER_DIGITS = 8;
    private static final int MONEY_FRACTION_DIGITS = 2;

    /** How a value is typed in and parsed. */
    public enum Kind { TEXT, LONG_TEXT, EMAIL, MONEY, INTEGER }

    public static Field text(String column, String label) {
        return new Field(column, label, Kind.TEXT, false);
    }

    public static Field longText(String column, String label) {
        return new Field(column, label, Kind.LONG_TEXT, false);
    }

    public static Field email(String column, String label) {
        return new Field(column, label, Kind.EMAIL, false);
    }

    public static Field money(String column, String label) {
        return new Field(column, label, Kind.MONEY, false);
    }

    public static Field integer(String column, String label) {
        return new Field(column, label, Kind.INTEGER, false);
    }

    /** This field, also edited inline on the list page. */
    public Field editedInGrid() {
        return new Field(column, label, kind, true);
    }

    /**
     * The typed value of what the user entered.
     *
     * @throws InvalidInputException naming the field when the text is not a valid value
     */
    public Object parse(String raw) {
        String text = raw == null ? "" : raw.strip();
        try {
            return switch (kind) {
                case MONEY -> {
                    // Bounded before any arithmetic: "1e300000" is six characters but 300,001 digits of work.
                    BigDecimal price = DecimalInput.parse(label, text, MONEY_INTEGER_DIGITS, MONEY_FRACTION_DIGITS)
                            .setScale(MONEY_FRACTION_DIGITS, RoundingMode.UNNECESSARY);
                    if (price.signum() < 0) {
                        throw new InvalidInputException(label + " must not be negative, but was " + text);
                    }
                    yield price;
                }
                case INTEGER -> Integer.parseInt(text);
                case EMAIL -> {
                    if (!text.matches("[^@\\s]+@[^@\\s]+")) {
                        throw new InvalidInputException(label + " must be an email address, but was '" + text + "'");
                    }
                    yield text;
                }
                case TEXT, LONG_TEXT -> text;
            };
        } catch (NumberFormatException e) {
            throw new InvalidInputException(label + " must be a number, but was '" + text + "'");
        } catch (InvalidFieldValueException e) {
            throw new InvalidInputException(e.getReason());
        }
    }

    /** The value as the form shows it. */
    public String format(Object value) {
        if (value == null) {
            return "";
        }
        if (kind == Kind.MONEY) {
            return new BigDecimal(value.toString()).setScale(2, RoundingMode.HALF_UP).toPlainString();
        }
        return value.toString();
    }
}
