package io.github.concurrency4j.dialect;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The facts about one database family that the engine needs. Instances are immutable and shared.
 *
 * <p>Detect the dialect of a live connection with {@link #detect(DatabaseMetaData)}.
 */
public abstract class Dialect {

    /** How an UPDATE can hand back the row's new version without a second statement. */
    public enum VersionReadBack {
        /** {@code UPDATE ... RETURNING v} (PostgreSQL, SQLite 3.35+). */
        RETURNING,
        /** {@code SELECT v FROM FINAL TABLE (UPDATE ...)} (H2). */
        FINAL_TABLE,
        /** Not possible: read the version in the same transaction after the UPDATE (MySQL, MariaDB). */
        NONE
    }

    private final String name;
    private final VersionReadBack versionReadBack;
    private final boolean selectForUpdate;
    private final int maxIdentifierLength;
    private final int maxParameters;

    protected Dialect(String name, VersionReadBack versionReadBack, boolean selectForUpdate,
                      int maxIdentifierLength, int maxParameters) {
        this.name = name;
        this.versionReadBack = versionReadBack;
        this.selectForUpdate = selectForUpdate;
        this.maxIdentifierLength = maxIdentifierLength;
        this.maxParameters = maxParameters;
    }

    /**
     * The dialect of the database behind a connection, from its product name.
     *
     * @throws SQLException when the metadata cannot be read
     * @throws IllegalArgumentException for a database concurrency4j does not support
     */
    public static Dialect detect(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return PostgresDialect.INSTANCE;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MariaDbDialect.INSTANCE;
        }
        if (p.contains("sqlite")) {
            return SqliteDialect.INSTANCE;
        }
        if (p.equals("h2")) {
            return H2Dialect.INSTANCE;
        }
        throw new IllegalArgumentException("Unsupported database '" + product
                + "': concurrency4j supports PostgreSQL, MySQL/MariaDB, SQLite and H2.");
    }

    /** A short lower-case name: {@code postgresql}, {@code mariadb}, {@code sqlite}, {@code h2}. */
    public String name() {
        return name;
    }

    /** How this database returns a new version from an UPDATE. */
    public VersionReadBack versionReadBack() {
        return versionReadBack;
    }

    /** Whether {@code SELECT ... FOR UPDATE} locks the selected rows. */
    public boolean supportsSelectForUpdate() {
        return selectForUpdate;
    }

    /** The longest identifier (table, column, trigger name) the database accepts, in characters. */
    public int maxIdentifierLength() {
        return maxIdentifierLength;
    }

    /** How many bind parameters one statement may safely carry. */
    public int maxParameters() {
        return maxParameters;
    }

    /** Quotes an identifier that has already been validated (letters, digits, underscores). */
    public String quote(String identifier) {
        return '"' + identifier + '"';
    }

    /**
     * A boolean SQL expression, true when the column's value differs from one bind parameter, treating two NULLs
     * as equal and NULL and a value as different.
     *
     * @param quotedColumn the quoted column name
     */
    public abstract String isDistinctFromParameter(String quotedColumn);

    /**
     * Wraps an UPDATE so that it returns the named column of the updated row; only for
     * {@link VersionReadBack#RETURNING} and {@link VersionReadBack#FINAL_TABLE}.
     */
    public String updateReturning(String update, String quotedColumn) {
        switch (versionReadBack) {
            case RETURNING:
                return update + " RETURNING " + quotedColumn;
            case FINAL_TABLE:
                return "SELECT " + quotedColumn + " FROM FINAL TABLE (" + update + ")";
            default:
                throw new UnsupportedOperationException(name + " cannot return values from an UPDATE");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
