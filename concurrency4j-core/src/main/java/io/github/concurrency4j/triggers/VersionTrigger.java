package io.github.concurrency4j.triggers;

/**
 * A concurrency4j version trigger found in the database.
 *
 * @param name the trigger's name as the database stores it
 * @param table the table it fires on
 * @param versionColumn the column it bumps
 */
public record VersionTrigger(String name, String table, String versionColumn) {

    /** Whether this trigger versions the given table and column (names compared ignoring case). */
    public boolean versions(String table, String versionColumn) {
        return this.table.equalsIgnoreCase(table) && this.versionColumn.equalsIgnoreCase(versionColumn);
    }

    @Override
    public String toString() {
        return name + " on " + table + "(" + versionColumn + ")";
    }
}
