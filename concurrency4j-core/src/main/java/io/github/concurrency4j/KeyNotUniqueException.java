package io.github.concurrency4j;

/**
 * A write or read by key found more than one row with that key, in a table declared with
 * {@link TableDeclaration#assumeUniqueKey()} (whose key the database does not keep unique). The engine undid the
 * write before it could be committed: nothing was written. Make the key unique in the data and in the schema (a
 * unique constraint), or declare the column that does identify a row as the key.
 */
public final class KeyNotUniqueException extends ConcurrencyException {
    private static final long serialVersionUID = 1L;

    /** The declared table name. */
    private final String table;
    private final transient Object key;
    /** How many rows the write found with the key. */
    private final long rowCount;

    /**
     * @param table the declared table name
     * @param key the key that more than one row has
     * @param rowCount how many rows the write found with that key (at least 2)
     * @param operation what was refused, such as {@code update}, {@code deleteAll} or {@code check}
     */
    public KeyNotUniqueException(String table, Object key, long rowCount, String operation) {
        super("The " + operation + " of row " + key + " of " + table + " found " + rowCount + " rows with that key: "
                + table + " is declared with assumeUniqueKey(), but its key is not unique in the data. The "
                + operation + " was refused and nothing was written (a statement that had changed those rows was "
                + "undone). Remove the duplicates and add a unique constraint on the key column, or declare the "
                + "column that identifies a row as the key.");
        this.table = table;
        this.key = key;
        this.rowCount = rowCount;
    }

    /** The declared table name. */
    public String table() {
        return table;
    }

    /** The key that more than one row has. */
    public Object key() {
        return key;
    }

    /** How many rows the write found with the key (at least 2; for a bulk write, at least 2 for this key). */
    public long rowCount() {
        return rowCount;
    }
}
