package io.github.concurrency4j.internal;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.ConnectionSource;
import io.github.concurrency4j.DisableScope;
import io.github.concurrency4j.GuardedAction;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.KeyNotUniqueException;
import io.github.concurrency4j.MissingVersionException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RecordTable;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.RowNotFoundException;
import io.github.concurrency4j.TableDeclaration;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The implementation of {@link VersionedTable}: SQL building, binding and the conflict path. */
public final class TableEngine implements VersionedTable {
    private static final Logger LOG = LoggerFactory.getLogger(TableEngine.class);

    private final Engine engine;
    private final TableModel model;
    private final ConnectionSource connections;
    private final String lowerName;
    private final Map<PlanKey, UpdatePlan> plans;
    private final String selectColumns;
    private final String readAction;
    private final String updateAction;
    private final String deleteAction;
    private final BulkOperations bulk;
    private final RowOperations rowOperations;

    public TableEngine(Engine engine, TableModel model, ConnectionSource connections) {
        this(engine, model, connections, new ConcurrentHashMap<>());
    }

    private TableEngine(Engine engine, TableModel model, ConnectionSource connections, Map<PlanKey, UpdatePlan> plans) {
        this.engine = engine;
        this.model = model;
        this.connections = connections;
        this.lowerName = model.name().toLowerCase(Locale.ROOT);
        this.plans = plans;
        StringBuilder cols = new StringBuilder();
        for (Column c : model.columns()) {
            if (cols.length() > 0) {
                cols.append(", ");
            }
            cols.append(c.sql());
        }
        this.selectColumns = cols.toString();
        this.readAction = "read " + model.name();
        this.updateAction = "update " + model.name();
        this.deleteAction = "delete " + model.name();
        this.bulk = new BulkOperations(this, selectColumns);
        this.rowOperations = new RowOperations(this);
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public TableDeclaration declaration() {
        return model.declaration();
    }

    /** The verified model. */
    public TableModel model() {
        return model;
    }

    /** The engine this table belongs to. */
    public Engine engine() {
        return engine;
    }

    /** Where this table gets its connections. */
    public ConnectionSource connections() {
        return connections;
    }

    @Override
    public VersionedTable using(Connection connection) {
        return new TableEngine(engine, model, ConnectionSource.of(connection), plans);
    }

    @Override
    public <R extends Record> RecordTable<R> as(Class<R> recordType) {
        return new RecordTableEngine<>(this, recordType);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<Row> find(Object key) {
        Object k = key(key);
        return engine.write(connections, readAction, key,
                c -> Optional.ofNullable(readRow(c, k)));
    }

    @Override
    public Optional<Row> find(Object key, long version) {
        Object k = key(key);
        String sql = "SELECT " + selectColumns + " FROM " + model.sqlName() + " WHERE " + model.key().sql()
                + " = ? AND " + model.version().sql() + " = ?";
        return engine.write(connections, readAction, key, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Binder.bind(ps, 1, k, model.key().jdbcType());
                ps.setLong(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    Optional<Row> row = rs.next() ? Optional.of(toRow(rs)) : Optional.empty();
                    refuseMoreRows(rs, row.isPresent(), k, "find");
                    return row;
                }
            }
        });
    }

    @Override
    public boolean isChanged(Object key, long version) {
        Object k = key(key);
        // A conflict check: on a Galera node it must see saves another node made before it (causal).
        String sql = engine.dialect().causalRead("SELECT " + model.version().sql() + " FROM " + model.sqlName()
                + " WHERE " + model.key().sql() + " = ?");
        return engine.write(connections, readAction, key, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Binder.bind(ps, 1, k, model.key().jdbcType());
                try (ResultSet rs = ps.executeQuery()) {
                    boolean changed = !rs.next() || rs.getLong(1) != version;
                    refuseMoreRows(rs, !changed, k, "isChanged");
                    return changed;
                }
            }
        });
    }

    /** Reads the current row on a connection, or {@code null} when there is none. */
    public Row readRow(Connection c, Object key) throws SQLException {
        return selectRow(c, key, "", false);
    }

    /**
     * {@link #readRow}, seeing every write the cluster acknowledged before it ({@link Dialect#causalRead}): for a
     * read that decides a conflict.
     */
    Row readRowCausally(Connection c, Object key) throws SQLException {
        return selectRow(c, key, "", true);
    }

    /**
     * Reads the row as the latest commit left it (or this transaction's own change), not as a REPEATABLE READ
     * snapshot shows it: what the conflict path reports and decides on. Locks the row where that is the only way
     * ({@link io.github.concurrency4j.dialect.Dialect#currentReadClause(Connection)}): at READ COMMITTED on MariaDB
     * a refused write neither holds the row it did not write nor waits for a writer still at work on it, as in bulk.
     */
    Row readCurrentRow(Connection c, Object key) throws SQLException {
        return selectRow(c, key, engine.dialect().currentReadClause(c), true);
    }

    /**
     * {@link #readCurrentRow}, locked when this write may take the row as read: a write proven under the row's lock
     * alone, where the plain read took none.
     */
    private Row readCurrentRowLockedIfWritable(Connection c, Object key, boolean check, long expected)
            throws SQLException {
        String clause = engine.dialect().currentReadClause(c);
        Row current = selectRow(c, key, clause, true);
        String lock = engine.dialect().currentReadClause();
        if (current != null && (!check || current.version() == expected) && !clause.equals(lock)) {
            current = selectRow(c, key, lock, true);
        }
        return current;
    }

    /**
     * @param causal whether the read must see every write the cluster acknowledged before it (a conflict's re-read,
     *     a check): on a Galera node a plain read can miss another node's save (GaleraCausalChecksTest)
     */
    private Row selectRow(Connection c, Object key, String suffix, boolean causal) throws SQLException {
        String select = "SELECT " + selectColumns + " FROM " + model.sqlName() + " WHERE " + model.key().sql()
                + " = ?" + suffix;
        String sql = causal ? engine.dialect().causalRead(select) : select;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Binder.bind(ps, 1, key, model.key().jdbcType());
            try (ResultSet rs = ps.executeQuery()) {
                Row row = rs.next() ? toRow(rs) : null;
                refuseMoreRows(rs, row != null, key, "read");
                return row;
            }
        }
    }

    /**
     * For a key the declaration vouches for ({@link TableModel#keyUnique()} false), refuses a read by key that
     * found more than the row it has already read: what it would report of "the row" would be one of several.
     */
    void refuseMoreRows(ResultSet rs, boolean readOne, Object key, String operation) throws SQLException {
        if (readOne && !model.keyUnique() && rs.next()) {
            int count = 2;
            while (rs.next()) {
                count++;
            }
            throw new KeyNotUniqueException(model.name(), key, count, operation);
        }
    }

    /** Maps the current result-set row, selected with every column in table order, to a {@link Row}. */
    public Row toRow(ResultSet rs) throws SQLException {
        List<Column> cols = model.columns();
        Map<String, Object> values = new LinkedHashMap<>(cols.size() * 2);
        Object key = null;
        long version = 0;
        for (int i = 0; i < cols.size(); i++) {
            Column col = cols.get(i);
            Object v = rs.getObject(i + 1);
            if (col == model.key() && v != null) {
                // Drivers hand back the narrowest type (SQLite: Integer for small values); keys leave the engine
                // in the key column's Java type so that they compare equal to the ones the engine returned.
                v = key(v);
                key = v;
            }
            values.put(col.name(), v);
            if (col == model.version()) {
                version = rs.getLong(i + 1);
            }
        }
        return new Row(key, version, values);
    }

    // ---------------------------------------------------------------- insert

    @Override
    public Identity insert(Map<String, ?> values) {
        return insert(values, null);
    }

    /**
     * Like {@link #insert(Map)}; when the database generates the key and {@code keyCheck} is given, the check sees
     * the key before the insert is committed, and an exception it throws undoes the insert (the engine's own
     * transaction rolls back, or the caller's to a savepoint) and reaches the caller.
     */
    Identity insert(Map<String, ?> values, Consumer<Object> keyCheck) {
        Objects.requireNonNull(values, "values");
        List<Column> cols = new ArrayList<>(values.size() + 1);
        List<Object> vals = new ArrayList<>(values.size() + 1);
        Object key = null;
        boolean versionGiven = false;
        Object givenVersion = null;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Column col = column(e.getKey());
            if (col == model.version()) {
                versionGiven = true;
                givenVersion = e.getValue();
                continue;
            }
            Object v = e.getValue();
            if (col == model.key()) {
                if (v == null) {
                    continue;
                }
                v = key(v);
                key = v;
            }
            cols.add(col);
            vals.add(v);
        }
        long version = versionGiven ? importedVersion(key, givenVersion)
                : model.strategy().kind() == VersionStrategy.Kind.TIMESTAMP ? engine.nowMicros() : 1L;
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(model.sqlName()).append(" (");
        StringBuilder params = new StringBuilder();
        for (Column c : cols) {
            sql.append(c.sql()).append(", ");
            params.append("?, ");
        }
        sql.append(model.version().sql()).append(") VALUES (").append(params).append("?)");
        Object givenKey = key;
        Engine.ConnectionWork<Identity> work = c -> {
            boolean generate = givenKey == null;
            try (PreparedStatement ps = generate
                    ? c.prepareStatement(sql.toString(), Statement.RETURN_GENERATED_KEYS)
                    : c.prepareStatement(sql.toString())) {
                int i = 1;
                for (int n = 0; n < cols.size(); n++) {
                    Binder.bind(ps, i++, vals.get(n), cols.get(n).jdbcType());
                }
                ps.setLong(i, version);
                ps.executeUpdate();
                if (!generate) {
                    return new Identity(givenKey, version);
                }
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    if (!rs.next()) {
                        throw new SQLException("the database generated no key for column " + model.key().name());
                    }
                    Object generated = generatedKey(rs);
                    if (keyCheck != null) {
                        keyCheck.accept(generated);
                    }
                    return new Identity(generated, version);
                }
            }
        };
        boolean checked = givenKey == null && keyCheck != null;
        return engine.save(connections, "insert into " + model.name(), null,
                checked ? c -> Engine.undoneOnFailure(c, work) : work);
    }

    /**
     * The version an insert was given, kept only where the caller switched checks off for this table or row (an
     * import, a fixture, a dump: the seed's {@code loaddata} under {@code disable_concurrency}). Anywhere else a new
     * row starts at the strategy's initial version, so a row put back under an old version cannot make forms opened
     * before it was deleted current again.
     */
    private long importedVersion(Object key, Object given) {
        boolean checked = key == null ? checksOn() : checksOn(key);
        if (checked) {
            throw new IllegalArgumentException("Insert into " + model.name() + " sets the version column '"
                    + model.version().name() + "' while version checks are on: leave it out and the engine sets the "
                    + "initial version. To load rows with the versions they carry (an import, a fixture), insert "
                    + "them inside concurrency.disable(\"" + model.name() + "\"); to put back a deleted row, use "
                    + "restore(values, lastVersion). Nothing was inserted.");
        }
        if (given instanceof Long || given instanceof Integer || given instanceof Short || given instanceof Byte) {
            long v = ((Number) given).longValue();
            if (v >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("Insert into " + model.name() + " gives the version column '"
                + model.version().name() + "' the value " + given + (given == null ? "" : " (" + given.getClass()
                .getSimpleName() + ")") + ": an imported version must be a whole number from 0 to "
                + Long.MAX_VALUE + " (a Long or an Integer). Nothing was inserted.");
    }

    private Object generatedKey(ResultSet rs) throws SQLException {
        // PostgreSQL returns every column; MariaDB and SQLite return one unnamed column.
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (md.getColumnLabel(i).equalsIgnoreCase(model.key().physical())) {
                return key(rs.getObject(i));
            }
        }
        return key(rs.getObject(1));
    }

    // ---------------------------------------------------------------- update

    @Override
    public long update(Object key, Long expectedVersion, Map<String, ?> changes) {
        return update(key, expectedVersion, changes, bumping());
    }

    @Override
    public long updateWithoutIncrement(Object key, long expectedVersion, Map<String, ?> changes) {
        return update(key, expectedVersion, changes, false);
    }

    private long update(Object key, Long expectedVersion, Map<String, ?> changes, boolean bump) {
        Object k = key(key);
        ChangeSet cs = changeSet(key, changes);
        Object[] vals = cs.values();
        boolean check = checking(k, expectedVersion);
        UpdatePlan plan = plan(cs, check, bump);
        long expected = check ? expectedVersion : 0L;
        long now = model.strategy().kind() == VersionStrategy.Kind.TIMESTAMP ? engine.nowMicros() : 0L;
        if (check && plan.mayIncrement && expected == Long.MAX_VALUE) {
            throw versionOverflow(k);
        }
        long known = plan.knownVersion(expected, now);
        Engine.ConnectionWork<Long> work = c -> {
            switch (plan.readBack) {
                case KNOWN:
                    try (PreparedStatement ps = c.prepareStatement(plan.sql)) {
                        bindUpdate(ps, plan, vals, k, expected, now);
                        int count = ps.executeUpdate();
                        if (count > 0) {
                            refuseSharedKey(k, count, "update");
                            return known;
                        }
                    }
                    return afterNoMatch(c, plan, vals, k, check, expected, now, changes);
                case RETURNED: {
                    Engine.ConnectionWork<Long> returning = tx -> {
                        boolean generated = engine.dialect().versionReadBack()
                                == Dialect.VersionReadBack.GENERATED_KEYS;
                        try (PreparedStatement ps = generated
                                ? tx.prepareStatement(plan.sql, new String[] {model.version().physical()})
                                : tx.prepareStatement(plan.sql)) {
                            bindUpdate(ps, plan, vals, k, expected, now);
                            if (generated && ps.executeUpdate() == 0) {
                                return null;
                            }
                            try (ResultSet rs = generated ? ps.getGeneratedKeys() : ps.executeQuery()) {
                                if (!rs.next()) {
                                    if (generated) {
                                        throw new SQLException("the database updated row " + k + " of "
                                                + model.name() + " but handed back no version");
                                    }
                                    return null;
                                }
                                long version = rs.getLong(1);
                                if (!model.keyUnique()) {
                                    int count = 1;
                                    while (rs.next()) {
                                        count++;
                                    }
                                    refuseSharedKey(k, count, "update");
                                }
                                return version;
                            }
                        }
                    };
                    Long returned = engine.dialect().failedUpdateReturningChangesNothing() ? returning.run(c)
                            : Engine.undoneOnFailure(c, returning);
                    return returned != null ? returned : afterNoMatch(c, plan, vals, k, check, expected, now, changes);
                }
                default:
                    return Engine.inTransaction(c, tx -> {
                        try (PreparedStatement ps = tx.prepareStatement(plan.sql)) {
                            bindUpdate(ps, plan, vals, k, expected, now);
                            int count = ps.executeUpdate();
                            if (count == 0) {
                                return afterNoMatch(tx, plan, vals, k, check, expected, now, changes);
                            }
                            refuseSharedKey(k, count, "update");
                        }
                        // MariaDB cannot return from an UPDATE; the row is locked by it until commit.
                        return readVersion(tx, plan, k);
                    });
            }
        };
        return engine.save(connections, updateAction, key, undoable(work));
    }

    /**
     * The work of a write by key, as it runs: for a key the database keeps unique, as it is (one statement); for a
     * key the declaration vouches for ({@link TableModel#keyUnique()} false), so that {@link #refuseSharedKey} can
     * undo it: in a transaction of its own, or under a savepoint in the caller's.
     */
    private <T> Engine.ConnectionWork<T> undoable(Engine.ConnectionWork<T> work) {
        return model.keyUnique() ? work : c -> Engine.undoneOnFailure(c, work);
    }

    /**
     * Refuses a write whose statement changed more than one row: possible only for a key the declaration vouches
     * for, whose write runs {@link #undoable}, so the exception undoes it.
     */
    void refuseSharedKey(Object key, int count, String operation) {
        if (count > 1 && !model.keyUnique()) {
            throw new KeyNotUniqueException(model.name(), key, count, operation);
        }
    }

    /** The version of a row this transaction has just updated, read as it is now (not from a snapshot). */
    private long readVersion(Connection tx, UpdatePlan plan, Object key) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(plan.readVersionSql)) {
            Binder.bind(ps, 1, key, model.key().jdbcType());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the row " + key + " of " + model.name() + " was updated but cannot be "
                            + "read back in the same transaction");
                }
                return rs.getLong(1);
            }
        }
    }

    void bindUpdate(PreparedStatement ps, UpdatePlan plan, Object[] vals, Object key, long expected, long now)
            throws SQLException {
        int i = 1;
        switch (plan.versionParams) {
            case NEXT:
                ps.setLong(i++, plan.knownVersion(expected, now));
                break;
            case NOW_TWICE:
                ps.setLong(i++, now);
                ps.setLong(i++, now);
                break;
            case TRACKED_VALUES:
                for (int idx : plan.tracked) {
                    Binder.bind(ps, i++, vals[idx], model.columns().get(idx).jdbcType());
                }
                break;
            default:
                break;
        }
        for (int idx : plan.set) {
            Binder.bind(ps, i++, vals[idx], model.columns().get(idx).jdbcType());
        }
        Binder.bind(ps, i++, key, model.key().jdbcType());
        if (plan.check) {
            ps.setLong(i, expected);
        }
    }

    /**
     * The column values of one row's change, by column position, and which columns it writes: what the single-row
     * and the bulk update both plan and bind from.
     */
    record ChangeSet(Object[] values, BitSet mask) {
    }

    /**
     * Validates one row's change: known columns only, neither the key nor the version.
     *
     * @throws IllegalArgumentException naming the bad column; nothing has been written
     */
    ChangeSet changeSet(Object key, Map<String, ?> changes) {
        BitSet mask = new BitSet(model.columns().size());
        return new ChangeSet(changeValues(key, changes, mask), mask);
    }

    /**
     * {@link #changeSet} without its allocations, for the bulk path: the values by column position, and which
     * columns the change writes set in {@code mask} (cleared first, reused from row to row).
     */
    Object[] changeValues(Object key, Map<String, ?> changes, BitSet mask) {
        Objects.requireNonNull(changes, "changes");
        Object[] vals = new Object[model.columns().size()];
        mask.clear();
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            Column col = column(e.getKey());
            if (col == model.key() || col == model.version()) {
                throw new IllegalArgumentException("Update of " + model.name() + " " + key + " changes the "
                        + (col == model.key() ? "key" : "version") + " column '" + col.name()
                        + "': the key identifies the row and the engine sets the version; leave it out.");
            }
            int idx = indexOf(col);
            if (mask.get(idx)) {
                throw namedTwice(key, changes, col);
            }
            vals[idx] = e.getValue();
            mask.set(idx);
        }
        return vals;
    }

    /**
     * The error of a change that names one column twice, in spellings that differ only in case ("price" and
     * "PRICE"): which value the caller meant cannot be told, and writing either would acknowledge a guess.
     */
    private IllegalArgumentException namedTwice(Object key, Map<String, ?> changes, Column col) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            if (column(e.getKey()) == col) {
                names.add("'" + e.getKey() + "' = " + e.getValue());
            }
        }
        return new IllegalArgumentException("Update of " + model.name() + " " + key + " names column '" + col.name()
                + "' more than once (" + String.join(", ", names) + "), so which value to write cannot be told: "
                + "name each column once. Nothing was written.");
    }

    /** The column's position in {@link TableModel#columns()}: by identity, as {@link #column} hands them out. */
    private int indexOf(Column col) {
        List<Column> columns = model.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i) == col) {
                return i;
            }
        }
        return columns.indexOf(col);
    }

    /** Whether writes in the current thread bump the version (no {@code disableIncrement} scope is open). */
    boolean bumping() {
        return model.declaration().isIncrement() && !engine.disableState().incrementDisabled(lowerName);
    }

    /** The statement plan for a change of these columns; plans are built once per column set and cached. */
    UpdatePlan plan(ChangeSet change, boolean check, boolean bump) {
        PlanKey key = new PlanKey(change.mask(), check, bump);
        UpdatePlan plan = plans.get(key);
        return plan != null ? plan : plans.computeIfAbsent(key, this::plan);
    }

    /**
     * An update counted no row. Where the count is the rows the WHERE clause matched, that is a conflict or a missing
     * row, whatever a read shows afterwards: a read in a REPEATABLE READ snapshot can still show the expected version
     * of a row that a later commit changed. Where the driver may count only changed rows (MariaDB's
     * useAffectedRows), 0 may also mean "matched, changed nothing"; that is accepted only once proven: the row is
     * locked as it is now and, when it can take this write, the UPDATE runs again under the lock, where its count
     * cannot hide a mismatch.
     */
    private long afterNoMatch(Connection c, UpdatePlan plan, Object[] vals, Object key, boolean check, long expected,
                              long now, Map<String, ?> changes) throws SQLException {
        if (!engine.dialect().updateCountMayOmitUnchangedRows()) {
            if (!check) {
                // An unchecked increment also skips a row at the largest version: tell that apart from a missing row.
                Row current = plan.mayIncrement ? readCurrentRow(c, key) : null;
                if (current != null && current.version() == Long.MAX_VALUE) {
                    throw versionOverflow(key);
                }
                throw new RowNotFoundException(model.name(), key);
            }
            throw conflict(key, expected, readCurrentRow(c, key), changes, "update");
        }
        return Engine.inTransaction(c, tx -> {
            // A row at another version is a conflict without a lock (a version never goes back): only a row this
            // write can take is read locked, where the UPDATE runs again under that lock.
            Row current = readCurrentRowLockedIfWritable(tx, key, check, expected);
            if (current != null && plan.mayIncrement && current.version() == Long.MAX_VALUE
                    && (!check || expected == Long.MAX_VALUE)) {
                throw versionOverflow(key);
            }
            if (current == null && !check) {
                throw new RowNotFoundException(model.name(), key);
            }
            if (current == null || (check && current.version() != expected)) {
                throw conflict(key, expected, current, changes, "update");
            }
            try (PreparedStatement ps = tx.prepareStatement(plan.updateSql)) {
                bindUpdate(ps, plan, vals, key, expected, now);
                int count = ps.executeUpdate();
                if (count == 0) {
                    // The row is locked at a version this write accepts, so the WHERE clause matched it.
                    return current.version();
                }
                refuseSharedKey(key, count, "update");
            }
            return plan.readBack == ReadBack.KNOWN ? plan.knownVersion(expected, now) : readVersion(tx, plan, key);
        });
    }

    /**
     * The error of a write that would bump a version past {@link Long#MAX_VALUE}, where it would wrap to a negative
     * number (or, on SQLite, turn into a floating-point value): refused before anything is written.
     */
    IllegalStateException versionOverflow(Object key) {
        return new IllegalStateException("Row " + key + " of " + model.name() + " is at version " + Long.MAX_VALUE
                + ", the largest a version can hold, so a write that bumps it cannot be checked against later ones."
                + " Nothing was written. Renumber the versions of this row (for example to 1) while no one edits it.");
    }

    /** The exception a refused write throws, after the conflict handler has seen it. */
    public RuntimeException conflict(Object key, long expected, Row current, Map<String, ?> changes, String operation) {
        RecordModifiedException e = new RecordModifiedException(model.name(), key, expected, current, changes, operation);
        RuntimeException replacement = engine.conflictHandler().onConflict(e);
        return replacement == null ? e : replacement;
    }

    // ---------------------------------------------------------------- delete

    @Override
    public void delete(Object key, Long expectedVersion) {
        Object k = key(key);
        boolean check = checking(k, expectedVersion);
        String sql = "DELETE FROM " + model.sqlName() + " WHERE " + model.key().sql() + " = ?"
                + (check ? " AND " + model.version().sql() + " = ?" : "");
        engine.save(connections, deleteAction, key, undoable(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Binder.bind(ps, 1, k, model.key().jdbcType());
                if (check) {
                    ps.setLong(2, expectedVersion);
                }
                int count = ps.executeUpdate();
                refuseSharedKey(k, count, "delete");
                if (count > 0 || !check) {
                    return null;
                }
            }
            throw conflict(k, expectedVersion, readCurrentRow(c, k), Map.of(), "delete");
        }));
    }

    // ---------------------------------------------------------------- check, restore, row scopes

    @Override
    public void check(Object key, long expectedVersion) {
        rowOperations.check(key, expectedVersion, false);
    }

    @Override
    public void checkAndLock(Object key, long expectedVersion) {
        rowOperations.check(key, expectedVersion, true);
    }

    @Override
    public Identity restore(Map<String, ?> values, long lastVersion) {
        return rowOperations.restore(values, lastVersion);
    }

    @Override
    public DisableScope disable(Object key) {
        return engine.disableState().openRows(lowerName, java.util.Set.of(key(key)));
    }

    // ---------------------------------------------------------------- bulk

    @Override
    public BulkResult updateAll(List<RowChange> changes, BulkPolicy policy) {
        return bulk.updateAll(changes, policy);
    }

    @Override
    public BulkResult updateAll(List<RowChange> changes) {
        return bulk.updateAll(changes, engine.bulkPolicy());
    }

    @Override
    public BulkResult deleteAll(List<Identity> rows, BulkPolicy policy) {
        return bulk.deleteAll(rows, policy);
    }

    @Override
    public BulkResult deleteAll(List<Identity> rows) {
        return bulk.deleteAll(rows, engine.bulkPolicy());
    }

    @Override
    public <T> T guard(Collection<Identity> selected, GuardedAction<T> action) {
        if (action == null) {
            return bulk.guard(selected, null);
        }
        return bulk.guard(selected, c -> {
            T result = action.run(c);
            // An action that caught a failed statement and returned normally leaves a PostgreSQL transaction
            // aborted, whose COMMIT rolls back without an error from the driver: the guard would report done an
            // action of which nothing was saved (GuardedActionFailureAttackTest).
            if (engine.dialect().transactionAborted(c)) {
                throw new SQLException("the action returned normally, but a statement in it had failed, and "
                        + engine.dialect().name() + " aborts the whole transaction on a failed statement, so none of "
                        + "the action's writes can be committed; let the action throw instead of catching the "
                        + "failure, or run the statement that may fail under a savepoint of its own", "25P02");
            }
            return result;
        });
    }

    // ---------------------------------------------------------------- shared

    /**
     * Whether this write is checked: checks on and a version given. A missing version is refused while versions
     * are required.
     */
    public boolean checking(Object key, Long expectedVersion) {
        if (!checksOn(key)) {
            return false;
        }
        if (expectedVersion == null) {
            if (engine.versionRequired()) {
                throw new MissingVersionException(model.name(), key);
            }
            LOG.debug("Unchecked write to {} {}: no expected version given and versionRequired is false",
                    model.name(), key);
            return false;
        }
        return true;
    }

    /** Whether version checks are on for this table in the current thread (globally and in its disable scopes). */
    boolean checksOn() {
        return engine.enabled() && model.declaration().isEnabled() && !engine.disableState().checkDisabled(lowerName);
    }

    /** Whether version checks are on for this row in the current thread: {@link #checksOn()} and no row scope. */
    boolean checksOn(Object key) {
        return engine.enabled() && model.declaration().isEnabled()
                && !engine.disableState().checkDisabled(lowerName, key);
    }

    /** The column of this name. */
    public Column column(String name) {
        Column col = model.column(name);
        if (col == null) {
            throw new IllegalArgumentException("Table " + model.name() + " has no column '" + name
                    + "'; its columns are " + model.byName().keySet() + ". Nothing was written.");
        }
        return col;
    }

    /** A key value checked and converted to the key column's type. */
    public Object key(Object key) {
        if (key == null) {
            throw new IllegalArgumentException("The key of a " + model.name() + " row must not be null.");
        }
        return Binder.coerceKey(key, model.key(), model.name());
    }

    private UpdatePlan plan(PlanKey key) {
        Dialect d = engine.dialect();
        VersionStrategy.Kind kind = model.strategy().kind();
        List<Column> columns = model.columns();
        Column v = model.version();
        int[] set = key.columns.stream().toArray();
        List<Integer> trackedChanged = new ArrayList<>();
        for (int idx : set) {
            if (model.tracked().contains(columns.get(idx).name().toLowerCase(Locale.ROOT))) {
                trackedChanged.add(idx);
            }
        }
        String versionSet = null;
        VersionParams params = VersionParams.NONE;
        ReadBack readBack;
        NextVersion next;
        if (kind == VersionStrategy.Kind.TRIGGER) {
            // The statement bumps the version itself, so the application's own writes stay checked even when the
            // trigger is missing (dropped while the application runs); the trigger is there for writes made
            // outside it. Ours agree with this bump: PostgreSQL, MariaDB and H2 set NEW = OLD + 1 (the same
            // value), SQLite's stays out of an UPDATE that changed the version. Trigger versions rise even under
            // disableIncrement and updateWithoutIncrement (the trigger would bump anyway), so the bump does not
            // depend on key.bump. Where the UPDATE can hand back the stored version (a trigger of the user's may
            // set another), it does; elsewhere a checked update knows expected + 1 and an unchecked one reads the
            // version after it, as before.
            next = NextVersion.PLUS_ONE;
            versionSet = v.sql() + " = " + v.sql() + " + 1";
            boolean returned = d.versionReadBack() != Dialect.VersionReadBack.NONE && d.returningSeesTriggerChanges();
            readBack = returned ? ReadBack.RETURNED : key.check ? ReadBack.KNOWN : ReadBack.READ_AFTER;
        } else if (!key.bump) {
            next = NextVersion.SAME;
            readBack = key.check ? ReadBack.KNOWN : ReadBack.RETURNED;
        } else if (kind == VersionStrategy.Kind.AUTO_INCREMENT) {
            next = NextVersion.PLUS_ONE;
            if (key.check) {
                versionSet = v.sql() + " = ?";
                params = VersionParams.NEXT;
                readBack = ReadBack.KNOWN;
            } else {
                versionSet = v.sql() + " = " + v.sql() + " + 1";
                readBack = ReadBack.RETURNED;
            }
        } else if (kind == VersionStrategy.Kind.TIMESTAMP) {
            next = NextVersion.TIMESTAMP;
            if (key.check) {
                versionSet = v.sql() + " = ?";
                params = VersionParams.NEXT;
                readBack = ReadBack.KNOWN;
            } else {
                versionSet = v.sql() + " = CASE WHEN " + v.sql() + " + 1 > ? THEN " + v.sql() + " + 1 ELSE ? END";
                params = VersionParams.NOW_TWICE;
                readBack = ReadBack.RETURNED;
            }
        } else if (trackedChanged.isEmpty()) {
            // Conditional, and no tracked column is written: the version cannot change.
            next = NextVersion.SAME;
            readBack = key.check ? ReadBack.KNOWN : ReadBack.RETURNED;
        } else {
            // Conditional: decided inside the statement, comparing against the values before the update.
            next = NextVersion.SAME;
            StringBuilder cond = new StringBuilder();
            for (int idx : trackedChanged) {
                if (cond.length() > 0) {
                    cond.append(" OR ");
                }
                Column c = columns.get(idx);
                cond.append(d.isDistinctFromParameter(c.sql(), c.sqlType(), c.storedType()));
            }
            versionSet = v.sql() + " = CASE WHEN " + cond + " THEN " + v.sql() + " + 1 ELSE " + v.sql() + " END";
            params = VersionParams.TRACKED_VALUES;
            readBack = ReadBack.RETURNED;
        }
        if (readBack == ReadBack.RETURNED && d.versionReadBack() == Dialect.VersionReadBack.NONE) {
            readBack = ReadBack.READ_AFTER;
        }
        // The version assignment comes first: MySQL and MariaDB evaluate SET left to right, so a later CASE
        // would see the new values.
        StringBuilder sql = new StringBuilder("UPDATE ").append(model.sqlName()).append(" SET ");
        boolean first = true;
        if (versionSet != null) {
            sql.append(versionSet);
            first = false;
        }
        for (int idx : set) {
            if (!first) {
                sql.append(", ");
            }
            sql.append(columns.get(idx).sql()).append(" = ?");
            first = false;
        }
        if (first) {
            // Nothing to set (an empty change on a trigger or non-bumping table): a no-op assignment keeps the
            // statement valid and still fires update triggers.
            sql.append(model.key().sql()).append(" = ").append(model.key().sql());
        }
        sql.append(" WHERE ").append(model.key().sql()).append(" = ?");
        boolean mayIncrement = kind == VersionStrategy.Kind.TRIGGER || versionSet != null;
        if (key.check) {
            sql.append(" AND ").append(v.sql()).append(" = ?");
        } else if (mayIncrement) {
            // An unchecked increment computes the version in SQL: leave a row at the largest version alone, so the
            // count of 0 leads to the overflow error rather than a wrapped or floating-point version.
            sql.append(" AND ").append(v.sql()).append(" < ").append(Long.MAX_VALUE);
        }
        String update = sql.toString();
        String readVersion = "SELECT " + v.sql() + " FROM " + model.sqlName() + " WHERE " + model.key().sql() + " = ?"
                + d.currentReadClause();
        String finalSql = readBack == ReadBack.RETURNED ? d.updateReturning(update, v.sql()) : update;
        return new UpdatePlan(finalSql, update, readVersion, readBack, params, next, set,
                trackedChanged.stream().mapToInt(Integer::intValue).toArray(), key.check, mayIncrement);
    }

    private record PlanKey(BitSet columns, boolean check, boolean bump) {
        // Written out: the generated ones go through method handles, which showed in bulk profiles (one lookup
        // per updateAll call, yet as much time as binding a 1,000-row array).
        @Override
        public boolean equals(Object o) {
            return o instanceof PlanKey k && k.check == check && k.bump == bump && k.columns.equals(columns);
        }

        @Override
        public int hashCode() {
            return columns.hashCode() * 4 + (check ? 2 : 0) + (bump ? 1 : 0);
        }
    }

    /** How the new version becomes known: computed in Java, returned by the statement, or read after it. */
    enum ReadBack { KNOWN, RETURNED, READ_AFTER }

    private enum VersionParams { NONE, NEXT, NOW_TWICE, TRACKED_VALUES }

    private enum NextVersion { PLUS_ONE, TIMESTAMP, SAME }

    /** One planned UPDATE: its SQL and how to bind it and learn the new version. */
    static final class UpdatePlan {
        /** The statement the single-row path runs: {@link #updateSql}, wrapped to return the version if needed. */
        final String sql;
        /** The plain UPDATE, without RETURNING: what a JDBC batch can run. */
        final String updateSql;
        final String readVersionSql;
        final ReadBack readBack;
        final VersionParams versionParams;
        final NextVersion next;
        final int[] set;
        final int[] tracked;
        final boolean check;
        /** Whether the statement (or the trigger) may raise the version: refused for a row at the largest one. */
        final boolean mayIncrement;

        UpdatePlan(String sql, String updateSql, String readVersionSql, ReadBack readBack,
                   VersionParams versionParams, NextVersion next, int[] set, int[] tracked, boolean check,
                   boolean mayIncrement) {
            this.sql = sql;
            this.updateSql = updateSql;
            this.readVersionSql = readVersionSql;
            this.readBack = readBack;
            this.versionParams = versionParams;
            this.next = next;
            this.set = set;
            this.tracked = tracked;
            this.check = check;
            this.mayIncrement = mayIncrement;
        }

        long knownVersion(long expected, long now) {
            switch (next) {
                case PLUS_ONE:
                    return expected + 1;
                case TIMESTAMP:
                    return Math.max(expected + 1, now);
                default:
                    return expected;
            }
        }
    }
}
