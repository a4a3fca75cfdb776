package io.github.concurrency4j.dialect;

/** PostgreSQL. */
public final class PostgresDialect extends Dialect {
    /** The shared instance. */
    public static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
        // NAMEDATALEN is 64: identifiers are truncated past 63 bytes. The wire protocol counts parameters in an int16.
        super("postgresql", VersionReadBack.RETURNING, true, 63, 32_767);
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return quotedColumn + " IS DISTINCT FROM ?";
    }
}
