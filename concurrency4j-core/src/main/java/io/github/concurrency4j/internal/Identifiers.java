package io.github.concurrency4j.internal;

import io.github.concurrency4j.DeclarationException;
import java.util.regex.Pattern;

/** Validation of table and column names before they can reach SQL. */
public final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Identifiers() {
    }

    /**
     * Returns the name when it is a plain identifier (a letter or underscore, then letters, digits, underscores).
     *
     * @param what what the name is for the message, such as "table name" or "column name of table product"
     * @throws DeclarationException for anything else, before any SQL runs
     */
    public static String require(String name, String what, int maxLength) {
        if (name == null || name.isEmpty()) {
            throw new DeclarationException("The " + what + " is empty.");
        }
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new DeclarationException("'" + name + "' is not a valid " + what + ": use letters, digits and "
                    + "underscores, starting with a letter or underscore. Nothing was run.");
        }
        if (name.length() > maxLength) {
            throw new DeclarationException("The " + what + " '" + name + "' is " + name.length()
                    + " characters long; this database allows at most " + maxLength + ".");
        }
        return name;
    }

    /** Whether the name is a plain identifier. */
    public static boolean isValid(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }
}
