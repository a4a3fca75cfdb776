package io.github.concurrency4j.dialect;

/** H2 2.x. */
public final class H2Dialect extends Dialect {
    /** The shared instance. */
    public static final H2Dialect INSTANCE = new H2Dialect();

    private H2Dialect() {
        super("h2", VersionReadBack.FINAL_TABLE, true, 256, 30_000);
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return quotedColumn + " IS DISTINCT FROM ?";
    }
}
