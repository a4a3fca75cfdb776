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
    private boolean enabled = true;
    private boolean increment = true;
    private boolean uniqueKeyAssumed;

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

    /**
     * Accepts a key column that no primary key or unique index of the table has to itself: a view (which has no
     * index), or a table whose key the application keeps unique without a constraint. Without this,
     * {@link Concurrency.Builder#build()} refuses such a key, because a key two rows can share lets one write change
     * both.
     *
     * <p>With it, every write by key to this table runs in a transaction of its own (or, inside the caller's, under
     * a savepoint), and a write that finds more than one row with its key is undone and refused with
     * {@link KeyNotUniqueException}: single-row writes then cost a commit (or a savepoint) more, and bulk writes
     * go as JDBC batches, never as one statement. Prefer a unique constraint where the database can have one.
     */
    public TableDeclaration assumeUniqueKey() {
        this.uniqueKeyAssumed = true;
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

    /**
     * Whether writes to this table are checked (default {@code true}; the seed's per-model {@code enabled}). Off,
     * every write to this table is applied unchecked, as in a permanent {@link Concurrency#disable(String...)}
     * scope: no expected version is needed and the version is still bumped, so other tables' checks and forms of
     * this table opened elsewhere keep working once it is switched back on.
     */
    public TableDeclaration enabled(boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    /**
     * Whether writes bump the version (default {@code true}; the seed's per-model {@code increment}). Off, writes
     * are still checked against the expected version but leave it as it was, as in a permanent
     * {@link Concurrency#disableIncrement(String...)} scope. Not for {@link VersionStrategy#trigger()} tables: their
     * trigger bumps the version in the database.
     */
    public TableDeclaration increment(boolean increment) {
        this.increment = increment;
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

    /** Whether writes to this table are checked ({@link #enabled(boolean)}). */
    public boolean isEnabled() {
        return enabled;
    }

    /** Whether writes to this table bump the version ({@link #increment(boolean)}). */
    public boolean isIncrement() {
        return increment;
    }

    /** Whether the key is accepted without a primary key or unique index of its own ({@link #assumeUniqueKey()}). */
    public boolean isUniqueKeyAssumed() {
        return uniqueKeyAssumed;
    }

    /** Refuses combinations that cannot be honoured, once the declaration is complete. */
    void validate() {
        if (!increment && strategy.kind() == VersionStrategy.Kind.TRIGGER) {
            throw new DeclarationException("Table '" + table + "' declares increment(false) with a trigger version: "
                    + "the trigger bumps the version in the database on every UPDATE, so the engine cannot hold it "
                    + "still. Drop increment(false), or use another strategy.");
        }
    }
}
