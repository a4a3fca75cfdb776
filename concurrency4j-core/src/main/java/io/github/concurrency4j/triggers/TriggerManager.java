package io.github.concurrency4j.triggers;

import io.github.concurrency4j.ConnectionSource;
import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.StatementFailedException;
import io.github.concurrency4j.dialect.Dialect;
import io.github.concurrency4j.internal.Engine;
import io.github.concurrency4j.internal.SchemaReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Creates, drops, lists and checks the database triggers behind {@link io.github.concurrency4j.VersionStrategy#trigger()}.
 * Thread-safe. Get the one for the declared tables from {@code concurrency.triggers()}, or one for any table of a
 * database from {@link #of(DataSource)}.
 *
 * <pre>{@code
 * TriggerManager triggers = concurrency.triggers();
 * triggers.create(TriggerTarget.of("account", "version"));   // idempotent
 * List<TriggerTarget> missing = triggers.check();            // declared trigger tables without a trigger
 * }</pre>
 *
 * <p>Per database: PostgreSQL gets a plpgsql function and a {@code BEFORE UPDATE} trigger of the same name;
 * MySQL/MariaDB a {@code BEFORE UPDATE} trigger; SQLite an {@code AFTER UPDATE} trigger that writes the row again
 * (correct with {@code PRAGMA recursive_triggers} on or off); H2 a {@code BEFORE UPDATE} Java trigger
 * ({@code H2VersionTrigger}, which needs H2 on the class path, as it is wherever H2 runs) and a constant of the same
 * name. Each trigger sets the version to its old value plus one on every UPDATE of a row. Everything works in the
 * connection's current schema (the current database on MySQL/MariaDB).
 */
public final class TriggerManager {
    private final ConnectionSource connections;
    private final Dialect dialect;
    private final List<TriggerTarget> declared;

    private TriggerManager(ConnectionSource connections, Dialect dialect, List<TriggerTarget> declared) {
        this.connections = connections;
        this.dialect = dialect;
        this.declared = declared;
    }

    /**
     * A manager for any table of the database behind this data source; the dialect is detected now.
     *
     * @throws StatementFailedException when no connection can be had
     * @throws IllegalArgumentException for a database concurrency4j does not support
     */
    public static TriggerManager of(DataSource dataSource) {
        return of(ConnectionSource.of(dataSource));
    }

    /**
     * A manager for any table reached through this connection source; the dialect is detected now.
     *
     * @throws StatementFailedException when no connection can be had
     * @throws IllegalArgumentException for a database concurrency4j does not support
     */
    public static TriggerManager of(ConnectionSource connections) {
        Objects.requireNonNull(connections, "connections");
        Dialect dialect = Engine.withConnection(connections, "detect the database",
                c -> Dialect.detect(c.getMetaData()));
        return new TriggerManager(connections, dialect, List.of());
    }

    /**
     * A manager that knows which tables are declared with trigger versions, for {@link #check()} and
     * {@link #createMissing()}. {@code Concurrency} builds one for its declared tables.
     */
    public static TriggerManager of(ConnectionSource connections, Dialect dialect, Collection<TriggerTarget> declared) {
        return new TriggerManager(Objects.requireNonNull(connections, "connections"),
                Objects.requireNonNull(dialect, "dialect"), List.copyOf(declared));
    }

    /** The dialect of the database. */
    public Dialect dialect() {
        return dialect;
    }

    /** The tables declared with trigger versions (empty for a manager from {@link #of(DataSource)}). */
    public List<TriggerTarget> declared() {
        return declared;
    }

    /** The name a trigger for this target gets on this database. */
    public String triggerName(TriggerTarget target) {
        return target.triggerName(dialect.maxIdentifierLength());
    }

    /**
     * The concurrency4j version triggers of the current schema. Other triggers, of the application or of anyone
     * else, are not listed.
     *
     * @throws StatementFailedException when the database cannot be read
     */
    public List<VersionTrigger> list() {
        return Engine.withConnection(connections, "list the version triggers", this::list);
    }

    /**
     * Creates the version trigger for a table and column unless one exists already (under any name): running it
     * twice changes nothing.
     *
     * @return true when a trigger was created, false when one was there already
     * @throws DeclarationException when the table or column does not exist, or the trigger's name is taken by a
     *     concurrency4j trigger of another table or column
     * @throws StatementFailedException when the database refuses, for instance for lack of the TRIGGER privilege
     */
    public boolean create(TriggerTarget target) {
        Objects.requireNonNull(target, "target");
        String name = triggerName(target);
        return Engine.withConnection(connections, "create trigger " + name + " on " + target.table(), c -> {
            SchemaReader.Located at = new SchemaReader(c, dialect).locate(target.table(), target.versionColumn());
            List<VersionTrigger> existing = list(c);
            if (find(existing, at.table(), at.column()).isPresent()) {
                return false;
            }
            for (VersionTrigger t : existing) {
                if (t.name().equalsIgnoreCase(name)) {
                    throw new DeclarationException("A concurrency4j trigger named " + name + " already exists: " + t
                            + ". Give " + target.table() + ":" + target.versionColumn() + " another trigger name.");
                }
            }
            try {
                Engine.inTransaction(c, tx -> {
                    run(tx, dialect.createVersionTrigger(name, at.table(), at.column(), at.primaryKey()));
                    return null;
                });
            } catch (SQLException e) {
                // Another process (a second instance starting with autoCreate) may have won the race.
                if (find(list(c), at.table(), at.column()).isPresent()) {
                    return false;
                }
                throw e;
            }
            return true;
        });
    }

    /**
     * Creates the triggers that the declared trigger-versioned tables lack.
     *
     * @return the targets whose trigger was created
     * @throws StatementFailedException when the database refuses
     */
    public List<TriggerTarget> createMissing() {
        List<TriggerTarget> created = new ArrayList<>();
        for (TriggerTarget t : check()) {
            if (create(t)) {
                created.add(t);
            }
        }
        return created;
    }

    /**
     * Drops the version trigger of a table and column (on PostgreSQL, its function too): the one with the target's
     * custom name when it has one, otherwise the one versioning that column, whatever its name. Triggers that
     * concurrency4j did not create are never dropped.
     *
     * @return true when a trigger was dropped, false when there was none
     * @throws DeclarationException when the table does not exist
     * @throws StatementFailedException when the database refuses
     */
    public boolean drop(TriggerTarget target) {
        Objects.requireNonNull(target, "target");
        return Engine.withConnection(connections, "drop the version trigger of " + target.table(), c -> {
            SchemaReader.Located at = new SchemaReader(c, dialect).locate(target.table(), target.versionColumn());
            List<VersionTrigger> existing = list(c);
            Optional<VersionTrigger> victim;
            if (target.customName().isPresent()) {
                String name = triggerName(target);
                victim = existing.stream()
                        .filter(t -> t.name().equalsIgnoreCase(name) && t.table().equalsIgnoreCase(at.table()))
                        .findFirst();
            } else {
                victim = find(existing, at.table(), at.column());
            }
            if (victim.isEmpty()) {
                return false;
            }
            Engine.inTransaction(c, tx -> {
                run(tx, dialect.dropVersionTrigger(victim.get().name(), victim.get().table()));
                return null;
            });
            return true;
        });
    }

    /**
     * The declared trigger-versioned tables that have no version trigger.
     *
     * @throws StatementFailedException when the database cannot be read
     */
    public List<TriggerTarget> check() {
        return check(declared);
    }

    /**
     * The given targets that have no version trigger on their column (under any name).
     *
     * @throws DeclarationException when a table or column does not exist: it cannot be given a trigger either
     * @throws StatementFailedException when the database cannot be read
     */
    public List<TriggerTarget> check(Collection<TriggerTarget> targets) {
        if (targets.isEmpty()) {
            return List.of();
        }
        return Engine.withConnection(connections, "check the version triggers", c -> {
            SchemaReader schema = new SchemaReader(c, dialect);
            List<VersionTrigger> existing = list(c);
            List<TriggerTarget> missing = new ArrayList<>();
            for (TriggerTarget t : targets) {
                SchemaReader.Located at = schema.locate(t.table(), t.versionColumn());
                if (find(existing, at.table(), at.column()).isEmpty()) {
                    missing.add(t);
                }
            }
            return missing;
        });
    }

    /**
     * Proves that the table's trigger bumps the version by exactly 1: in a transaction that is always rolled back, reads one
     * row's version, UPDATEs that row setting its key to itself (a statement that changes nothing by itself), and
     * reads the version again. Nothing of the probe is kept, whatever it finds; it holds the row's lock until the
     * rollback, as any UPDATE does. Use it where a trigger was created by hand or may have been altered:
     * {@link #check(Collection)} only finds a trigger by its name and marker.
     *
     * @throws DeclarationException when the table or column does not exist
     * @throws StatementFailedException when the database cannot be read or refuses the UPDATE
     */
    public TriggerProof prove(TriggerTarget target) {
        return Engine.withConnection(connections, "probe the version trigger of " + target.table(), c -> {
            SchemaReader.Located at = new SchemaReader(c, dialect).locate(target.table(), target.versionColumn());
            if (at.primaryKey().isEmpty()) {
                return TriggerProof.NO_PRIMARY_KEY;
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                return probe(c, at);
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        });
    }

    private TriggerProof probe(Connection c, SchemaReader.Located at) throws SQLException {
        String table = dialect.quote(at.table());
        String version = dialect.quote(at.column());
        List<String> keys = at.primaryKey().stream().map(dialect::quote).toList();
        String where = String.join(" AND ", keys.stream().map(k -> k + " = ?").toList());
        Object[] key = new Object[keys.size()];
        long before;
        try (Statement s = c.createStatement()) {
            s.setMaxRows(1);
            String first = "SELECT " + String.join(", ", keys) + ", " + version + " FROM " + table;
            try (ResultSet rs = s.executeQuery(first)) {
                if (!rs.next()) {
                    return TriggerProof.NO_ROW;
                }
                for (int i = 0; i < key.length; i++) {
                    key[i] = rs.getObject(i + 1);
                }
                before = rs.getLong(key.length + 1);
            }
        }
        String set = String.join(", ", keys.stream().map(k -> k + " = " + k).toList());
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE " + where);
             PreparedStatement read = c.prepareStatement("SELECT " + version + " FROM " + table + " WHERE " + where)) {
            for (int i = 0; i < key.length; i++) {
                update.setObject(i + 1, key[i]);
                read.setObject(i + 1, key[i]);
            }
            update.executeUpdate();
            try (ResultSet rs = read.executeQuery()) {
                if (!rs.next() || rs.getLong(1) == before) {
                    return TriggerProof.VERSION_UNCHANGED;
                }
                return rs.getLong(1) == before + 1 ? TriggerProof.BUMPS_VERSION
                        : TriggerProof.BUMPS_BY_OTHER_THAN_ONE;
            }
        }
    }

    /** The trigger versioning this table and column, if there is one. */
    public Optional<VersionTrigger> find(TriggerTarget target) {
        return find(list(), target.table(), target.versionColumn());
    }

    private List<VersionTrigger> list(Connection c) throws SQLException {
        List<VersionTrigger> result = new ArrayList<>();
        for (Dialect.VersionTriggerRow r : dialect.listVersionTriggers(c)) {
            result.add(new VersionTrigger(r.name(), r.table(), r.versionColumn()));
        }
        return result;
    }

    private static Optional<VersionTrigger> find(List<VersionTrigger> triggers, String table, String column) {
        return triggers.stream().filter(t -> t.versions(table, column)).findFirst();
    }

    private static void run(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
