package io.github.concurrency4j;

import java.util.Objects;

/**
 * How one table is versioned: its key column and its version column with a strategy. Used inside
 * {@link Concurrency.Builder#table(String, java.util.function.Consumer)}:
 *
 * <pre>{@code
 * .table("product", t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
 * }</pre>
 *
 * <p>Defaults: key column {@code id}, version column {@code version}, strategy {@code autoIncrement()}. Keys are a
 * single column; a composite key is refused at declaration.
 */
public final class TableDeclaration {
    /** The key column used when none is declared. */
    public static final String DEFAULT_KEY_COLUMN = "id";
    /** The version column used when none is declared. */
    public static final String DEFAULT_VERSION_COLUMN = "version";

    private final String table;
    private String keyColumn = DEFAULT_KEY_COLUMN;
    private String versionColumn = DEFAULT_VERSION_COLUMN;
    private VersionStrategy strategy = VersionStrategy.autoIncrement();

    TableDeclaration(String table) {
        this.table = table;
    }

    /**
     * The key column: one column whose value identifies a row (usually the primary key).
     *
     * @throws DeclarationException when more than one column is given: composite keys are not supported
     */
    public TableDeclaration key(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length != 1) {
            throw new DeclarationException("Table '" + table + "' declares key " + java.util.Arrays.toString(columns)
                    + ": concurrency4j supports single-column keys only. Declare a unique single column (for "
                    + "example a surrogate id) as the key.");
        }
        this.keyColumn = Objects.requireNonNull(columns[0], "key column");
        return this;
    }

    /** The version column, with the {@link VersionStrategy#autoIncrement()} strategy. */
    public TableDeclaration version(String column) {
        return version(column, VersionStrategy.autoIncrement());
    }

    /** The version column and how its next value is computed. */
    public TableDeclaration version(String column, VersionStrategy strategy) {
        this.versionColumn = Objects.requireNonNull(column, "version column");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /** The declared table name. */
    public String table() {
        return table;
    }

    /** The declared key column. */
    public String keyColumn() {
        return keyColumn;
    }

    /** The declared version column. */
    public String versionColumn() {
        return versionColumn;
    }

    /** The declared strategy. */
    public VersionStrategy strategy() {
        return strategy;
    }
}
