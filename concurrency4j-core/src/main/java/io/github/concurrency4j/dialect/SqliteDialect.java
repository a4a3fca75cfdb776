package io.github.concurrency4j.dialect;

/** SQLite (3.35 or later, for RETURNING). */
public final class SqliteDialect extends Dialect {
    /** The shared instance. */
    public static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {
        // SQLITE_MAX_VARIABLE_NUMBER defaults to 32766 since 3.32. SQLite has no row locks: a writer locks the file.
        super("sqlite", VersionReadBack.RETURNING, false, 1_000, 32_766);
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return quotedColumn + " IS NOT ?";
    }
}
