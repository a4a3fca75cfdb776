package io.github.concurrency4j;

/**
 * An unchecked write (checks disabled, or no version required) named a row that does not exist. Nothing was
 * written.
 */
public final class RowNotFoundException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** The declared table name. */
    private final String table;
    private final transient Object key;

    /**
     * @param table the declared table name
     * @param key the key no row has
     */
    public RowNotFoundException(String table, Object key) {
        super("No row of " + table + " has key " + key + ": nothing was written.");
        this.table = table;
        this.key = key;
    }

    /** The declared table name. */
    public String table() {
        return table;
    }

    /** The key that matched no row. */
    public Object key() {
        return key;
    }
}
