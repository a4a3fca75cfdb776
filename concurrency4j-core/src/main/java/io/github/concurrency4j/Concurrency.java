package io.github.concurrency4j;

import io.github.concurrency4j.dialect.Dialect;
import io.github.concurrency4j.internal.DisableState;
import io.github.concurrency4j.internal.Engine;
import io.github.concurrency4j.internal.ReplicaRoutedTable;
import io.github.concurrency4j.internal.SchemaReader;
import io.github.concurrency4j.internal.TableEngine;
import io.github.concurrency4j.internal.TableModel;
import io.github.concurrency4j.internal.TriggerStartup;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The entry point: the set of versioned tables of one database. Build it once, share it; it is thread-safe.
 *
 * <pre>{@code
 * Concurrency concurrency = Concurrency.builder(dataSource)
 *     .table("product", t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
 *     .table("customer", t -> t.version("version", VersionStrategy.conditional().checkFields("name", "email")))
 *     .build();
 *
 * VersionedTable products = concurrency.table("product");
 * Row row = products.find(42).orElseThrow();
 * long next = products.update(42, row.version(), Map.of("price", 12));   // refused if someone saved first
 * }</pre>
 *
 * <p>{@link Builder#build()} checks every declaration against the live schema and fails, naming the table or
 * column, when something is missing.
 */
public final class Concurrency {

    private final Engine engine;
    private final Map<String, VersionedTable> tables;
    private final TriggerManager triggers;
    private final ConcurrencyListener listener;

    private Concurrency(Engine engine, Map<String, VersionedTable> tables, ConcurrencyListener listener) {
        this.engine = engine;
        this.tables = tables;
        this.listener = listener;
        this.triggers = TriggerManager.of(engine.connections(), engine.dialect(), TriggerStartup.targets(tables.values()));
    }

    /** Starts declaring the versioned tables of the database behind this data source. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(ConnectionSource.of(dataSource));
    }

    /**
     * Starts declaring versioned tables reached through a connection source, such as one that joins the current
     * transaction of a transaction manager.
     */
    public static Builder builder(ConnectionSource connectionSource) {
        return new Builder(Objects.requireNonNull(connectionSource, "connectionSource"));
    }

    /**
     * A declared table.
     *
     * @throws IllegalArgumentException when no table of that name was declared
     */
    public VersionedTable table(String name) {
        Objects.requireNonNull(name, "table name");
        VersionedTable t = tables.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("No versioned table '" + name + "' is declared; declared tables: "
                    + tables.keySet() + ". Declare it with Concurrency.builder(...).table(\"" + name + "\", ...).");
        }
        return t;
    }

    /** The names of the declared tables. */
    public Set<String> tables() {
        return tables.keySet();
    }

    /**
     * The triggers of this database: create, drop, list and check the triggers behind
     * {@link VersionStrategy#trigger()}, for the declared tables ({@link TriggerManager#check()}) or any other.
     */
    public TriggerManager triggers() {
        return triggers;
    }

    /** The database dialect detected at build time. */
    public Dialect dialect() {
        return engine.dialect();
    }

    /** Whether checks are on globally (the {@code enabled} setting); disable scopes may still turn them off. */
    public boolean isEnabled() {
        return engine.enabled();
    }

    /** The policy of bulk writes that name none (the {@code bulkPolicy} setting). */
    public BulkPolicy bulkPolicy() {
        return engine.bulkPolicy();
    }

    /** Whether a write without an expected version is refused (the {@code versionRequired} setting). */
    public boolean isVersionRequired() {
        return engine.versionRequired();
    }

    /**
     * Switches version checks off, in the current thread only, for the named tables (all tables when none is
     * named) until the returned scope is closed. Writes in the scope need no expected version and are not checked;
     * they still bump the version, so forms opened before the scope are still refused after it. Scopes nest.
     *
     * @throws IllegalArgumentException when a named table is not declared
     */
    public DisableScope disable(String... tables) {
        return engine.disableState().open(DisableState.Mode.CHECK, declared(tables));
    }

    /**
     * Keeps version checks on but stops version increments, in the current thread only, for the named tables (all
     * when none is named) until the returned scope is closed: for writes that must not invalidate what other users
     * have open, such as a hit counter. Trigger versions still rise: the trigger runs in the database.
     *
     * @throws IllegalArgumentException when a named table is not declared
     */
    public DisableScope disableIncrement(String... tables) {
        return engine.disableState().open(DisableState.Mode.INCREMENT, declared(tables));
    }

    /**
     * Closes every disable scope still open in the current thread and returns them, in the order they were opened
     * (empty when none was). For the end of a unit of work on a pooled thread (a web request, a message, a job): a
     * scope that a handler forgot to close, or that an exception skipped, would otherwise keep checks off for
     * whatever the thread runs next, and those writes would overwrite other users' saves unchecked. The Spring
     * module calls it after every request and logs what it had to close. A scope lent to this thread by a
     * {@linkplain DisableScope#wrap(Runnable) wrapped task} is handed back to its owner, not closed.
     */
    public List<DisableScope> closeDisableScopes() {
        return engine.disableState().closeAll();
    }

    /**
     * Runs work with version checks off for every table, in the current thread only, and switches them back on when
     * it returns or throws: the seed's {@code @disable_concurrency()} decorator as a function.
     *
     * <pre>{@code
     * int imported = concurrency.withoutChecks(() -> importer.run(file));
     * }</pre>
     *
     * @return what the work returned
     */
    public <T> T withoutChecks(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        try (DisableScope off = disable()) {
            return work.get();
        }
    }

    /**
     * {@link #withoutChecks(Supplier)} for one table.
     *
     * @throws IllegalArgumentException when the table is not declared; the work did not run
     */
    public <T> T withoutChecks(String table, Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        try (DisableScope off = disable(table)) {
            return work.get();
        }
    }

    /** {@link #withoutChecks(Supplier)} for work that returns nothing. */
    public void withoutChecks(Runnable work) {
        Objects.requireNonNull(work, "work");
        try (DisableScope off = disable()) {
            work.run();
        }
    }

    /**
     * {@link #withoutChecks(String, Supplier)} for work that returns nothing.
     *
     * @throws IllegalArgumentException when the table is not declared; the work did not run
     */
    public void withoutChecks(String table, Runnable work) {
        Objects.requireNonNull(work, "work");
        try (DisableScope off = disable(table)) {
            work.run();
        }
    }

    /**
     * Runs work with version checks on but version increments off for one table, in the current thread only: the
     * seed's {@code @disable_concurrency_increment} decorator as a function ({@link #disableIncrement(String...)}).
     *
     * @return what the work returned
     * @throws IllegalArgumentException when the table is not declared; the work did not run
     */
    public <T> T withoutIncrement(String table, Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        try (DisableScope noBump = disableIncrement(table)) {
            return work.get();
        }
    }

    /**
     * {@link #withoutIncrement(String, Supplier)} for work that returns nothing.
     *
     * @throws IllegalArgumentException when the table is not declared; the work did not run
     */
    public void withoutIncrement(String table, Runnable work) {
        Objects.requireNonNull(work, "work");
        try (DisableScope noBump = disableIncrement(table)) {
            work.run();
        }
    }

    /**
     * Runs a read-modify-write and, when it loses a race, runs it again: for background jobs that can simply redo
     * their work on fresh data. The work must read what it changes inside the supplier, so that each attempt starts
     * from the row as it is now. An attempt that fails with a {@link RecordModifiedException} or a
     * {@link TransactionAbortedException} (or with an exception caused by one, as a {@link ConflictHandler} may
     * throw), or with a failure the policy's {@link RetryPolicy.Builder#retryOnException retryOnException} accepts,
     * is retried after a jittered, exponentially growing wait, up to {@link RetryPolicy#maxAttempts()} attempts in
     * all; any other exception ends the retries at once. Run it outside any transaction, or around the whole
     * transaction: an abort may have rolled back everything the transaction did before the failed attempt. Such an
     * abort, of a transaction of the caller's that the database rolled back as a whole
     * ({@link TransactionAbortedException#inCallersTransaction()}) and that is still open on its connection after the
     * attempt (it was begun outside the retry), is never retried: it is thrown at once, since a new attempt would run
     * in a new transaction and the caller's commit would report the lost writes saved. An attempt that runs a whole
     * transaction of its own ends it (rolls back and closes its connection, or sets auto-commit back) before it
     * throws, and is retried. Nor is an attempt retried that had saved a write in a transaction of its own (in
     * auto-commit, outside any transaction) before it failed: that write is saved for good, and a new attempt would
     * make it a second time. Its failure is thrown with a suppressed note saying so; give such work one transaction.
     * Likewise an attempt that had written inside a transaction still open when it failed (the caller's, around the
     * retry): the write is still in that transaction, and a new attempt would make it again, both saved by the
     * commit. Its failure is thrown with a note; roll the transaction back and run the whole transaction again.
     *
     * <pre>{@code
     * long hits = concurrency.retry(RetryPolicy.ofDefaults(), () -> {
     *     Row row = counters.find(1).orElseThrow();
     *     long next = ((Number) row.get("hits")).longValue() + 1;
     *     counters.update(1, row.version(), Map.of("hits", next));
     *     return next;
     * });
     * }</pre>
     *
     * @return what the successful attempt returned
     * @throws RecordModifiedException the last attempt's conflict (or the exception that carried it) when every
     *     attempt lost its race
     * @throws TransactionAbortedException the last attempt's abort when every attempt was aborted
     */
    public <T> T retry(RetryPolicy policy, Supplier<T> work) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(work, "work");
        // Each attempt must start from the row as it is now: its reads go to the primary, never a lagging replica.
        return ReplicaRoutedTable.onPrimary(() -> Retry.run(policy, listener, work));
    }

    /**
     * {@link #retry(RetryPolicy, Supplier)} for work that returns nothing.
     *
     * @throws RecordModifiedException the last attempt's conflict when every attempt lost its race
     */
    public void retry(RetryPolicy policy, Runnable work) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(work, "work");
        ReplicaRoutedTable.onPrimary(() -> Retry.run(policy, listener, () -> {
            work.run();
            return null;
        }));
    }

    /**
     * The listener registered with {@link Builder#listener} (what it throws is logged and dropped), for integrations
     * that report events of their own, such as the Spring module's form merges.
     */
    public ConcurrencyListener listener() {
        return listener;
    }

    /** The engine's internals, for concurrency4j's own modules. Not part of the supported API. */
    public Engine engine() {
        return engine;
    }

    private Set<String> declared(String... names) {
        Objects.requireNonNull(names, "tables");
        List<String> keys = new ArrayList<>(names.length);
        for (String n : names) {
            table(n);
            keys.add(n.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(keys);
    }

    /** Declares tables and settings; {@link #build()} verifies them against the database. */
    public static final class Builder {
        /** Checks are on unless switched off. */
        public static final boolean DEFAULT_ENABLED = true;
        /** A write without an expected version is refused unless switched off. */
        public static final boolean DEFAULT_VERSION_REQUIRED = true;
        /** Bulk writes without a policy save the current rows and report the stale ones (the seed's default). */
        public static final BulkPolicy DEFAULT_BULK_POLICY = BulkPolicy.SKIP_CONFLICTS;
        /**
         * How long after this engine writes a row its reads of that row never show an older version, when reads
         * come from a replica: far above the replica lag measured on a loaded machine (max 167 ms).
         */
        public static final Duration DEFAULT_OWN_WRITES_WINDOW = Duration.ofSeconds(5);

        private final ConnectionSource connectionSource;
        private final Map<String, TableDeclaration> declarations = new LinkedHashMap<>();
        private boolean enabled = DEFAULT_ENABLED;
        private boolean versionRequired = DEFAULT_VERSION_REQUIRED;
        private ConflictHandler conflictHandler = ConflictHandler.THROW;
        private Clock clock = Clock.systemUTC();
        private BulkPolicy bulkPolicy = DEFAULT_BULK_POLICY;
        private TriggerSettings triggerSettings = TriggerSettings.ofDefaults();
        private DataSource readReplica;
        private Duration ownWritesWindow = DEFAULT_OWN_WRITES_WINDOW;
        private ConcurrencyListener listener = ConcurrencyListener.NONE;

        private Builder(ConnectionSource connectionSource) {
            this.connectionSource = connectionSource;
        }

        /** Declares a table with the defaults: key {@code id}, version {@code version}, auto-increment. */
        public Builder table(String name) {
            return table(name, t -> { });
        }

        /**
         * Declares a table, which may be any existing table, including one the application does not own.
         *
         * @throws DeclarationException when the table is declared twice
         */
        public Builder table(String name, Consumer<TableDeclaration> declaration) {
            Objects.requireNonNull(name, "table name");
            Objects.requireNonNull(declaration, "declaration");
            String key = name.toLowerCase(Locale.ROOT);
            if (declarations.containsKey(key)) {
                throw new DeclarationException("Table '" + name + "' is declared twice (table names match whatever "
                        + "their case). Declare each table once, with all of its settings in one .table(\"" + name
                        + "\", t -> ...); with Spring Boot, in concurrency4j.tables." + name + ".* or in a "
                        + "ConcurrencyConfigurer, not in both.");
            }
            TableDeclaration d = new TableDeclaration(name);
            declaration.accept(d);
            d.validate();
            declarations.put(key, d);
            return this;
        }

        /** Switches every check on or off globally (default {@value #DEFAULT_ENABLED}). */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Whether a write must name an expected version (default {@value #DEFAULT_VERSION_REQUIRED}). When off, a
         * write without one is applied unchecked and logged at DEBUG.
         */
        public Builder versionRequired(boolean versionRequired) {
            this.versionRequired = versionRequired;
            return this;
        }

        /** What a refused write throws; by default the {@link RecordModifiedException} itself. */
        public Builder conflictHandler(ConflictHandler conflictHandler) {
            this.conflictHandler = Objects.requireNonNull(conflictHandler, "conflictHandler");
            return this;
        }

        /**
         * The policy of {@link VersionedTable#updateAll(List)} and {@link VersionedTable#deleteAll(List)}, the bulk
         * writes that name none (default {@link BulkPolicy#SKIP_CONFLICTS}; the seed's {@code POLICY}).
         */
        public Builder bulkPolicy(BulkPolicy bulkPolicy) {
            this.bulkPolicy = Objects.requireNonNull(bulkPolicy, "bulkPolicy");
            return this;
        }

        /** The clock for {@link VersionStrategy#timestamp()} versions (default: the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * What the build does about the triggers of tables declared with {@link VersionStrategy#trigger()}
         * (default {@link TriggerSettings#ofDefaults()}: create none, refuse to build when one is missing).
         */
        /**
         * Reads rows from a read replica (a PostgreSQL hot standby, a MySQL/MariaDB replica): {@code find} goes
         * there, while writes, the re-read that fills a conflict, {@code isChanged}, the guard's check and every
         * read inside {@link Concurrency#retry(RetryPolicy, Supplier)} go to the primary. Read-your-writes: for
         * {@link #ownWritesWindow(Duration)} after this engine writes a row, a replica read that shows it older (or
         * fails) is answered from the primary instead, so a user's next save is never refused over their own
         * previous one. Across application instances, pass the version the user last saw to
         * {@link VersionedTable#findAtLeast(Object, long)}.
         *
         * @param replica a data source of a replica of the primary's database, with the same tables
         */
        public Builder readReplica(DataSource replica) {
            this.readReplica = Objects.requireNonNull(replica, "replica");
            return this;
        }

        /**
         * How long after a write of this engine reads of that row never come back older from the replica
         * (default {@link #DEFAULT_OWN_WRITES_WINDOW}); longer than the replica's worst lag.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder ownWritesWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("ownWritesWindow must be >= 0, but was " + window);
            }
            this.ownWritesWindow = window;
            return this;
        }

        /**
         * Tells a listener about conflicts, retried attempts and replica fallbacks, for metrics
         * ({@link ConcurrencyListener}).
         */
        public Builder listener(ConcurrencyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * What {@link #build()} does about the triggers of tables declared with {@link VersionStrategy#trigger()}:
         * create missing ones ({@link TriggerSettings#withAutoCreate(boolean)}), and refuse to build, warn or do
         * nothing when one is still missing ({@link TriggerSettings#withCheck}). Default:
         * {@link TriggerSettings#ofDefaults()}, which creates nothing and refuses to build without the trigger.
         */
        public Builder triggers(TriggerSettings settings) {
            this.triggerSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Detects the dialect and verifies every declaration against the live schema, then applies the
         * {@link #triggers(TriggerSettings) trigger settings}.
         *
         * @throws DeclarationException naming the table or column that is missing or malformed, or a missing
         *     trigger when the trigger check is {@link TriggerSettings.CheckMode#FAIL}, or a session that would let
         *     a write store other values than it was given (MariaDB without a strict {@code sql_mode})
         * @throws StatementFailedException when the database cannot be reached
         */
        public Concurrency build() {
            Dialect dialect;
            List<TableModel> models = new ArrayList<>();
            Connection c = null;
            try {
                c = connectionSource.acquire();
                dialect = Dialect.detect(c.getMetaData());
                String problem = dialect.sessionProblem(c);
                if (problem != null) {
                    throw new DeclarationException("Refusing to start: " + problem + ".");
                }
                SchemaReader reader = new SchemaReader(c, dialect);
                for (TableDeclaration d : declarations.values()) {
                    models.add(reader.model(d));
                }
            } catch (SQLException e) {
                throw new StatementFailedException("Could not read the schema to verify the declared tables "
                        + declarations.keySet(), e);
            } finally {
                if (c != null) {
                    try {
                        connectionSource.release(c);
                    } catch (SQLException ignored) {
                        // Nothing was written; a failed close changes nothing for the caller.
                    }
                }
            }
            ConcurrencyListener heard = SafeListener.of(listener);
            ConflictHandler handler = conflictHandler;
            ConflictHandler counted = listener == ConcurrencyListener.NONE ? handler : conflict -> {
                heard.conflict(conflict);
                return handler.onConflict(conflict);
            };
            Engine engine = new Engine(connectionSource, dialect, enabled, versionRequired, counted, clock,
                    bulkPolicy, heard);
            Map<String, VersionedTable> tables = new LinkedHashMap<>();
            for (TableModel m : models) {
                TableEngine table = new TableEngine(engine, m, connectionSource);
                tables.put(m.name().toLowerCase(Locale.ROOT), readReplica == null ? table
                        : new ReplicaRoutedTable(table, new TableEngine(engine, m, ConnectionSource.of(readReplica)),
                                ownWritesWindow.toNanos(), heard::replicaFallback));
            }
            Concurrency concurrency = new Concurrency(engine, Collections.unmodifiableMap(tables), heard);
            TriggerStartup.run(concurrency.triggers, triggerSettings);
            return concurrency;
        }
    }
}
