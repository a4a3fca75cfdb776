package io.github.concurrency4j.triggers;

import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.TableDeclaration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A table and version column that should have a version trigger, optionally under a custom trigger name. Immutable.
 *
 * <p>The trigger is named {@code concurrency_<table>_<column>} (lower case) unless a name is given. A name longer
 * than the database allows (PostgreSQL 63 characters, MySQL/MariaDB 64) is shortened deterministically: its first
 * characters, an underscore and the first 8 hex digits of the SHA-256 of the full name, so the same table and column
 * always get the same valid name.
 */
public final class TriggerTarget {
    /** The prefix of default trigger names. */
    public static final String DEFAULT_NAME_PREFIX = "concurrency_";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int HASH_DIGITS = 8;

    private final String table;
    private final String versionColumn;
    private final String customName;

    private TriggerTarget(String table, String versionColumn, String customName) {
        this.table = requireIdentifier(table, "table name");
        this.versionColumn = requireIdentifier(versionColumn, "version column name");
        this.customName = customName == null ? null : requireIdentifier(customName, "trigger name");
    }

    /**
     * A table and its version column.
     *
     * @throws DeclarationException when a name is not a plain identifier (letters, digits, underscores)
     */
    public static TriggerTarget of(String table, String versionColumn) {
        return new TriggerTarget(table, versionColumn, null);
    }

    /**
     * Parses {@code TABLE} or {@code TABLE:VERSION_COLUMN}; the column defaults to
     * {@value TableDeclaration#DEFAULT_VERSION_COLUMN}.
     *
     * @throws DeclarationException for anything else
     */
    public static TriggerTarget parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return of(spec.trim(), TableDeclaration.DEFAULT_VERSION_COLUMN);
        }
        if (spec.indexOf(':', colon + 1) >= 0) {
            throw new DeclarationException("'" + spec + "' is not TABLE or TABLE:VERSION_COLUMN.");
        }
        return of(spec.substring(0, colon).trim(), spec.substring(colon + 1).trim());
    }

    /**
     * The same table and column, with a trigger of this name instead of the default one.
     *
     * @throws DeclarationException when the name is not a plain identifier
     */
    public TriggerTarget withTriggerName(String name) {
        return new TriggerTarget(table, versionColumn, Objects.requireNonNull(name, "trigger name"));
    }

    /** The table. */
    public String table() {
        return table;
    }

    /** The version column. */
    public String versionColumn() {
        return versionColumn;
    }

    /** The custom trigger name, if one was given. */
    public Optional<String> customName() {
        return Optional.ofNullable(customName);
    }

    /**
     * The trigger's name on a database whose identifiers may be at most this long: the custom name or
     * {@code concurrency_<table>_<column>}, shortened with a hash suffix when too long.
     *
     * @throws IllegalArgumentException when the limit is too small to hold a shortened name
     */
    public String triggerName(int maxIdentifierLength) {
        if (maxIdentifierLength <= HASH_DIGITS + 1) {
            throw new IllegalArgumentException("maxIdentifierLength must be > " + (HASH_DIGITS + 1) + ", but was "
                    + maxIdentifierLength);
        }
        String full = customName != null ? customName
                : DEFAULT_NAME_PREFIX + table.toLowerCase(Locale.ROOT) + "_" + versionColumn.toLowerCase(Locale.ROOT);
        if (full.length() <= maxIdentifierLength) {
            return full;
        }
        return full.substring(0, maxIdentifierLength - HASH_DIGITS - 1) + "_" + sha256Hex(full).substring(0, HASH_DIGITS);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    private static String requireIdentifier(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new DeclarationException("The " + what + " is empty.");
        }
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new DeclarationException("'" + name + "' is not a valid " + what + ": use letters, digits and "
                    + "underscores, starting with a letter or underscore.");
        }
        return name;
    }

    /** {@code table:column}, and {@code as name} when a custom name is set. */
    @Override
    public String toString() {
        return table + ":" + versionColumn + (customName == null ? "" : " as " + customName);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TriggerTarget t && t.table.equals(table) && t.versionColumn.equals(versionColumn)
                && Objects.equals(t.customName, customName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, versionColumn, customName);
    }
}
