package io.github.concurrency4j;

/**
 * A write named no expected version while versions are required ({@code versionRequired}, the default). Nothing
 * was written. Pass the version the data was read at, or disable checks for the scope that really needs to write
 * blind (see {@link Concurrency#disable(String...)}).
 */
public final class MissingVersionException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** The declared table name. */
    private final String table;
    private final transient Object key;

    /**
     * @param table the declared table name
     * @param key the key of the row the write was for
     */
    public MissingVersionException(String table, Object key) {
        super("Refused to write " + table + " " + key + " without an expected version: nothing was written. "
                + "Pass the version the row was read at (Row.version()), or wrap an intentional blind write in "
                + "concurrency.disable(\"" + table + "\").");
        this.table = table;
        this.key = key;
    }

    /** The declared name of the table the write was for. */
    public String table() {
        return table;
    }

    /** The key of the row the write was for. */
    public Object key() {
        return key;
    }
}
