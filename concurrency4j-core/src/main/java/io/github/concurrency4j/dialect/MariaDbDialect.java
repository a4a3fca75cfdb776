package io.github.concurrency4j.dialect;

/** MySQL and MariaDB: one family. */
public final class MariaDbDialect extends Dialect {
    /** The shared instance. */
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {
        // MariaDB has DELETE/INSERT ... RETURNING but no UPDATE ... RETURNING.
        super("mariadb", VersionReadBack.NONE, true, 64, 65_535);
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier + '`';
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return "NOT (" + quotedColumn + " <=> ?)";
    }
}
