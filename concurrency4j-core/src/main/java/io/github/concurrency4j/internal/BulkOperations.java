package io.github.concurrency4j.internal;

import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.GuardedAction;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.KeyNotUniqueException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.RowNotFoundException;
import io.github.concurrency4j.StatementFailedException;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.dialect.BulkStatements;
import io.github.concurrency4j.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk operations of one table: {@code updateAll}, {@code deleteAll} and {@code guard}. The UPDATE statements
 * come from the same plans as the single-row path ({@link TableEngine#plan}); this class adds batching, the
 * transaction, verification of the batch's update counts, and the guarded check.
 *
 * <p>A bulk write first runs optimistically: one batch, then one read of only the rows whose count was 0 or whose
 * new version the database decided. Where a count proves nothing (anything but 0 or 1, such as
 * {@link Statement#SUCCESS_NO_INFO}), a read alone cannot tell "this write matched" from "someone else wrote the
 * same next version just before": so the batch is undone, the rows are checked and locked with one query, and the
 * batch runs again on the rows found current. The table then remembers that its driver hides counts and locks
 * first from the start.
 */
final class BulkOperations {
    private static final Logger LOG = LoggerFactory.getLogger(BulkOperations.class);
    private static final String GUARDED_ACTION = "guarded action";

    private final TableEngine table;
    private final TableModel model;
    private final Dialect dialect;
    private final String selectColumns;
    /** The dialect's one-statement-per-chunk form, or {@code null} where bulk writes run as JDBC batches. */
    private final BulkStatements statements;
    /** Set once a batch came back with counts that prove nothing: later bulk writes lock first. */
    private volatile boolean lockFirst;
    /**
     * Set instead of {@link #lockFirst} where row locks hold on one node only (Galera): a lock there does not keep
     * other nodes' writers out, and a batch answering {@link Statement#SUCCESS_NO_INFO} can hide an abort (the
     * transaction gone, the commit then a no-op). Later bulk writes run their statements one by one, with real counts.
     */
    private volatile boolean oneByOne;

    BulkOperations(TableEngine table, String selectColumns) {
        this.table = table;
        this.model = table.model();
        this.dialect = table.engine().dialect();
        this.selectColumns = selectColumns;
        this.statements = dialect.bulkStatements();
    }

    private enum Op {
        UPDATE("update"), DELETE("delete");

        final String verb;

        Op(String verb) {
            this.verb = verb;
        }
    }

    /** One row of a bulk write, with what the batch learned about it. */
    private static final class Item {
        /** The row's position in the caller's list. */
        final int index;
        final Object key;
        final boolean check;
        final long expected;
        final TableEngine.UpdatePlan plan;
        final Object[] values;
        final Map<String, ?> changes;
        final long now;
        int count;
        /** Whether the statement handed this row back as written, with {@link #returnedVersion}. */
        boolean returned;
        long returnedVersion;

        Item(int index, Object key, boolean check, long expected, TableEngine.UpdatePlan plan, Object[] values,
             Map<String, ?> changes, long now) {
            this.index = index;
            this.key = key;
            this.check = check;
            this.expected = expected;
            this.plan = plan;
            this.values = values;
            this.changes = changes;
            this.now = now;
        }
    }

    // ---------------------------------------------------------------- updateAll / deleteAll

    BulkResult updateAll(List<RowChange> changes, BulkPolicy policy) {
        Objects.requireNonNull(changes, "changes must not be null; pass an empty list to update nothing");
        Objects.requireNonNull(policy, "policy must not be null: BulkPolicy.SKIP_CONFLICTS or BulkPolicy.ABORT_ALL");
        boolean bump = table.bumping();
        long now = model.strategy().kind() == VersionStrategy.Kind.TIMESTAMP ? table.engine().nowMicros() : 0L;
        List<Item> items = new ArrayList<>(changes.size());
        // Rows of a grid mostly change the same columns: the plan of the row before serves without a lookup.
        BitSet mask = new BitSet(model.columns().size());
        BitSet lastMask = null;
        boolean lastCheck = false;
        TableEngine.UpdatePlan lastPlan = null;
        for (int i = 0; i < changes.size(); i++) {
            RowChange rc = changes.get(i);
            if (rc == null) {
                throw new IllegalArgumentException("changes[" + i + "] of an updateAll of " + model.name()
                        + " is null: pass one RowChange per row to update. Nothing was written.");
            }
            Object k = table.key(rc.key());
            Object[] values = table.changeValues(k, rc.changes(), mask);
            boolean check = table.checking(k, rc.expectedVersion());
            TableEngine.UpdatePlan plan;
            if (lastPlan != null && check == lastCheck && mask.equals(lastMask)) {
                plan = lastPlan;
            } else {
                lastMask = (BitSet) mask.clone();
                lastCheck = check;
                plan = lastPlan = table.plan(new TableEngine.ChangeSet(values, lastMask), check, bump);
            }
            if (check && plan.mayIncrement && rc.expectedVersion() == Long.MAX_VALUE) {
                throw table.versionOverflow(k);
            }
            // Distinct timestamps within one batch keep timestamp versions unique across rows.
            items.add(new Item(i, k, check, check ? rc.expectedVersion() : 0L, plan, values, rc.changes(), now + i));
        }
        return items.isEmpty() ? new BulkResult(model.name(), List.of(), List.of())
                : run(Op.UPDATE, items, uniqueInKeyOrder(items, "updateAll", "merge them into one RowChange per row"),
                        policy);
    }

    BulkResult deleteAll(List<Identity> rows, BulkPolicy policy) {
        Objects.requireNonNull(rows, "rows must not be null; pass an empty list to delete nothing");
        Objects.requireNonNull(policy, "policy must not be null: BulkPolicy.SKIP_CONFLICTS or BulkPolicy.ABORT_ALL");
        List<Item> items = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Identity id = rows.get(i);
            if (id == null) {
                throw new IllegalArgumentException("rows[" + i + "] of a deleteAll of " + model.name()
                        + " is null: pass one (key, version) Identity per row to delete. Nothing was written.");
            }
            Object k = table.key(id.key());
            items.add(new Item(i, k, table.checking(k, id.version()), id.version(), null, null, Map.of(), 0L));
        }
        return items.isEmpty() ? new BulkResult(model.name(), List.of(), List.of())
                : run(Op.DELETE, items, uniqueInKeyOrder(items, "deleteAll", "name each row once"), policy);
    }

    /**
     * The items in key order (see {@link #inKeyOrder}), refusing a key that appears twice. Where the order proves
     * equality (keys of one class whose {@code compareTo} agrees with {@code equals}), duplicates are neighbours
     * after sorting; otherwise a hash set finds them. Either way the pair reported is the one whose second
     * occurrence comes first in the caller's list.
     *
     * @throws IllegalArgumentException naming the key and both positions; nothing has been written
     */
    private List<Item> uniqueInKeyOrder(List<Item> items, String operation, String fix) {
        if (strictlyAscending(items)) {
            // A grid saved as it was shown, in key order: sorted and free of duplicates as it is.
            return items;
        }
        List<Item> ordered = inKeyOrder(items);
        Item first = null;
        Item second = null;
        Class<?> type = items.get(0).key.getClass();
        if (ordered != items && (type == Long.class || type == String.class || type == java.util.UUID.class)) {
            for (int i = 1; i < ordered.size(); i++) {
                Item a = ordered.get(i - 1);
                Item b = ordered.get(i);
                if (a.key.equals(b.key) && (second == null || b.index < second.index)) {
                    first = a;
                    second = b;
                }
            }
        } else {
            Map<Object, Item> seen = new HashMap<>(items.size() * 2);
            for (Item it : items) {
                Item before = seen.putIfAbsent(it.key, it);
                if (before != null) {
                    first = before;
                    second = it;
                    break;
                }
            }
        }
        if (second != null) {
            throw new IllegalArgumentException("Key " + second.key + " of " + model.name() + " appears twice in one "
                    + operation + " (at " + first.index + " and " + second.index + "): " + fix
                    + ". Nothing was written.");
        }
        return ordered;
    }

    private BulkResult run(Op op, List<Item> items, List<Item> ordered, BulkPolicy policy) {
        String what = op.verb + " " + items.size() + (items.size() == 1 ? " row of " : " rows of ") + model.name()
                + " (" + policy + ")";
        boolean[] contended = new boolean[1];
        // Asked only on a connection in no transaction: a caller's transaction pays no pass over the rows for it.
        Alone<BulkResult> alone = c -> canRunAlone(op, ordered, policy)
                ? alone(c, op, items, ordered, contended) : null;
        BulkResult result = transaction(what, "the batch", alone, r -> !r.saved().isEmpty(), tx -> {
            if (!lockFirst && contended[0]) {
                // Run alone, the statement met a row another transaction holds: lock in key order from the start.
                BulkResult r = optimistic(tx.connection, op, items, ordered, policy, false, true,
                        BulkStatements.Locking.KEY_ORDER);
                if (r != null) {
                    return r;
                }
                tx.undo();
            } else if (!lockFirst) {
                BulkResult r = firstTry(tx, op, items, ordered, policy);
                if (r == null && !oneByOne && dialect.rowLocksAreNodeLocal()) {
                    oneByOne = true;
                    tx.undo();
                    r = optimistic(tx.connection, op, items, ordered, policy, true, false,
                            BulkStatements.Locking.KEY_ORDER);
                }
                if (r != null) {
                    return r;
                }
                if (!dialect.rowLocksAreNodeLocal()) {
                    lockFirst = true;
                }
                tx.undo();
                if (!tx.own) {
                    return lockedFirst(tx.connection, op, items, ordered, policy, true);
                }
            }
            return lockedFirst(tx.connection, op, items, ordered, policy, false);
        });
        // Counted once the batch is committed: rows SKIP_CONFLICTS refused (ABORT_ALL throws through the handler).
        for (RecordModifiedException conflict : result.conflicts()) {
            table.engine().listener().conflict(conflict);
        }
        return result;
    }

    /**
     * Whether a bulk write can first run alone: as one statement in auto-commit, without a transaction. Asked
     * only when the connection is in no transaction ({@link #inTransaction}). That takes a dialect whose statement
     * can refuse to write anything unless it writes every row ({@link BulkStatements#canWriteAllOrNothing()}) and a
     * write that the engine would otherwise commit only whole: ABORT_ALL, one chunk of carried rows, all checked,
     * with versions the engine knows. Then a write that goes through is committed by its own statement, in one
     * round-trip instead of two (BEGIN with the statement, then COMMIT), and one that does not has written nothing.
     */
    private boolean canRunAlone(Op op, List<Item> ordered, BulkPolicy policy) {
        if (policy != BulkPolicy.ABORT_ALL || lockFirst || oneByOne || statements == null
                || !statements.canWriteAllOrNothing() || dialect.rowLocksAreNodeLocal()
                || ordered.size() > statements.maxRowsPerStatement()) {
            return false;
        }
        for (Item it : ordered) {
            if (!it.check || (op == Op.UPDATE && it.plan.readBack != TableEngine.ReadBack.KNOWN)) {
                return false;
            }
        }
        return carried(op, ordered);
    }

    /**
     * The write run alone in auto-commit ({@link #canRunAlone}): every row saved, or {@code null} when the statement
     * wrote nothing (a row was not at its expected version, or another transaction held one) and the write must run
     * in a transaction, which finds and reports what stood in the way.
     */
    private BulkResult alone(Connection c, Op op, List<Item> items, List<Item> ordered, boolean[] contended)
            throws SQLException {
        boolean proven;
        try {
            proven = executeStatements(c, op, ordered, BulkStatements.Locking.GIVE_UP, true);
        } catch (SQLException e) {
            if (connectionLost(c)) {
                throw e;
            }
            // The database answered with an error, so the statement's auto-commit transaction is rolled back. The
            // transaction that follows finds the conflicts, waits for held rows, or fails the same way and says so.
            contended[0] = statements.gaveUp(e);
            LOG.debug("The bulk statement for {} run alone wrote nothing ({}); running it in a transaction",
                    model.name(), e.getMessage());
            return null;
        }
        List<Identity> saved = new ArrayList<>(items.size());
        for (Item it : items) {
            if (!proven || it.count != 1) {
                // The statement proved every row or failed: a row it did not prove was not written by it.
                throw new IllegalStateException("The bulk statement for " + model.name() + " succeeded without "
                        + "writing row " + it.key + ": the dialect broke the all-or-nothing contract");
            }
            saved.add(new Identity(it.key, op == Op.DELETE ? it.expected : it.plan.knownVersion(it.expected, it.now)));
        }
        return new BulkResult(model.name(), saved, List.of());
    }

    /**
     * The optimistic run, where the dialect's one-statement form can give up on held row locks
     * ({@link BulkStatements#canGiveUp()}) first without locking its rows in key order: one statement per chunk, at
     * the cost of the write alone. When a statement gave up (another transaction held one of its rows for longer
     * than the form waits), what it did is undone with the transaction or the savepoint, and the chunks run again
     * locking in key order, which waits for the rows as long as the session allows and cannot deadlock with another
     * bulk write.
     */
    private BulkResult firstTry(Transaction tx, Op op, List<Item> items, List<Item> ordered, BulkPolicy policy)
            throws SQLException {
        boolean carried = !oneByOne && carried(op, ordered);
        if (!carried || !statements.canGiveUp()) {
            return optimistic(tx.connection, op, items, ordered, policy, oneByOne, carried,
                    BulkStatements.Locking.KEY_ORDER);
        }
        try {
            return optimistic(tx.connection, op, items, ordered, policy, false, true,
                    tx.own ? BulkStatements.Locking.GIVE_UP : BulkStatements.Locking.GIVE_UP_AND_RESTORE);
        } catch (SQLException e) {
            if (!statements.gaveUp(e)) {
                throw e;
            }
            LOG.debug("The bulk statement for {} met a row another transaction holds and gave up; running it again "
                    + "with its rows locked in key order", model.name());
            tx.undo();
            return optimistic(tx.connection, op, items, ordered, policy, false, true, BulkStatements.Locking.KEY_ORDER);
        }
    }

    /**
     * One batch, then one read of the rows the counts leave open. Returns {@code null} when a count proves nothing;
     * the caller then undoes the batch.
     */
    private BulkResult optimistic(Connection c, Op op, List<Item> items, List<Item> ordered, BulkPolicy policy,
                                  boolean oneByOne, boolean carried, BulkStatements.Locking locking)
            throws SQLException {
        if (!oneByOne && dialect.supportsSelectForUpdate() && spansStatements(op, ordered, carried)) {
            // Each statement locks its own rows in key order, but one statement's rows after another's: two calls
            // whose rows split the other way round would take the same rows in opposite orders and deadlock. One
            // locking read takes every row in key order first (BulkMixedShapesStormTest: a third to two thirds of
            // such calls deadlocked without it). A call of one statement per chunk, as nearly every grid is, pays
            // nothing for this.
            lockVersions(c, keys(ordered));
        }
        if (oneByOne) {
            executeOneByOne(c, op, ordered);
        } else if (carried) {
            if (!executeStatements(c, op, ordered, locking, false)) {
                return null;
            }
        } else {
            executeBatches(c, op, ordered);
        }
        List<Object> toRead = new ArrayList<>();
        for (Item it : ordered) {
            if (it.count == 1) {
                if (op == Op.UPDATE && !it.returned && it.plan.readBack != TableEngine.ReadBack.KNOWN) {
                    toRead.add(it.key);
                }
            } else if (it.count == 0) {
                toRead.add(it.key);
            } else {
                LOG.debug("The driver answered {} for {} {} in a batch; verifying with locked rows instead",
                        it.count, model.name(), it.key);
                return null;
            }
        }
        // Rows this batch changed stay locked by it until commit, so what is read here is what it wrote. The read is
        // a current one: a REPEATABLE READ snapshot can show a row at the expected version that a later commit
        // changed, which is why its UPDATE counted 0.
        Map<Object, Row> rows = toRead.isEmpty() ? Map.of() : readRows(c, toRead);
        List<Identity> saved = new ArrayList<>(items.size());
        List<RecordModifiedException> conflicts = new ArrayList<>();
        for (Item it : items) {
            Row current = rows.get(it.key);
            if (it.count == 1) {
                if (op == Op.DELETE) {
                    saved.add(new Identity(it.key, it.expected));
                } else if (it.returned) {
                    saved.add(new Identity(it.key, it.returnedVersion));
                } else if (it.plan.readBack == TableEngine.ReadBack.KNOWN) {
                    saved.add(new Identity(it.key, it.plan.knownVersion(it.expected, it.now)));
                } else if (current != null) {
                    saved.add(new Identity(it.key, current.version()));
                } else {
                    return null;
                }
            } else if (op == Op.UPDATE) {
                if (!it.check && current == null) {
                    throw new RowNotFoundException(model.name(), it.key);
                }
                if (!it.check && it.plan.mayIncrement && current.version() == Long.MAX_VALUE) {
                    throw table.versionOverflow(it.key);
                }
                if (!it.check || (current != null && current.version() == it.expected)) {
                    if (!dialect.updateCountMayOmitUnchangedRows() && it.check) {
                        // The count is the rows matched: 0 is a conflict even when the row reads as expected now.
                        conflicts.add(conflict(op, it, current));
                        continue;
                    }
                    // Either "matched, changed nothing" under a driver that counts changed rows only, or a row that
                    // appeared or came back after the statement: only locked rows can tell.
                    return null;
                }
                conflicts.add(conflict(op, it, current));
            } else if (!it.check) {
                if (current != null) {
                    return null;
                }
                saved.add(new Identity(it.key, it.expected));
            } else if (current != null && current.version() == it.expected) {
                return null;
            } else {
                conflicts.add(conflict(op, it, current));
            }
        }
        return result(op, items.size(), saved, conflicts, policy);
    }

    /**
     * Whether the rows go in more than one statement (besides chunks of one statement, which run in key order):
     * rows of different shapes in the one-statement form ({@link #shape}), or rows with different statements in a
     * batch (different columns changed, checked or not).
     */
    private boolean spansStatements(Op op, List<Item> ordered, boolean carried) {
        Item first = ordered.get(0);
        for (Item it : ordered) {
            boolean other;
            if (carried) {
                other = shape(op, it) != shape(op, first);
            } else if (op == Op.UPDATE) {
                other = it.plan != first.plan && !it.plan.updateSql.equals(first.plan.updateSql);
            } else {
                other = it.check != first.check;
            }
            if (other) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks and locks every row with one query per chunk, then batches the current ones. Their statements apply
     * whatever count the driver reports: the rows are verified and cannot change before this transaction ends.
     * After an attempt undone by a rollback to the caller's savepoint, see {@link #lockWritableRows}.
     */
    private BulkResult lockedFirst(Connection c, Op op, List<Item> items, List<Item> ordered, BulkPolicy policy,
                                   boolean afterRollbackToSavepoint) throws SQLException {
        Set<Object> heldElsewhere = new HashSet<>();
        Map<Object, Row> rows = afterRollbackToSavepoint && dialect.savepointRollbackKeepsRowLocks()
                && dialect.currentReadClause(c).isEmpty() ? lockWritableRows(c, ordered, heldElsewhere)
                : lockRows(c, keys(ordered));
        List<RecordModifiedException> conflicts = new ArrayList<>();
        Set<Object> skipped = new HashSet<>();
        for (Item it : items) {
            Row current = rows.get(it.key);
            if (it.check && (current == null || current.version() != it.expected
                    || heldElsewhere.contains(it.key))) {
                conflicts.add(conflict(op, it, current));
                skipped.add(it.key);
            } else if (current == null) {
                if (op == Op.UPDATE) {
                    throw new RowNotFoundException(model.name(), it.key);
                }
                // An unchecked delete of a row that is already gone: nothing to do, as for a single delete.
                skipped.add(it.key);
            } else if (op == Op.UPDATE && it.plan.mayIncrement && current.version() == Long.MAX_VALUE) {
                throw table.versionOverflow(it.key);
            }
        }
        if (!conflicts.isEmpty() && policy == BulkPolicy.ABORT_ALL) {
            throw abortAll(op, items.size(), conflicts);
        }
        List<Item> writable = new ArrayList<>(ordered.size());
        List<Object> toRead = new ArrayList<>();
        for (Item it : ordered) {
            if (!skipped.contains(it.key)) {
                writable.add(it);
                if (op == Op.UPDATE && it.plan.readBack != TableEngine.ReadBack.KNOWN) {
                    toRead.add(it.key);
                }
            }
        }
        if (dialect.rowLocksAreNodeLocal()) {
            executeOneByOne(c, op, writable);
        } else {
            executeBatches(c, op, writable);
        }
        Map<Object, Row> after = toRead.isEmpty() ? Map.of() : readRows(c, toRead);
        List<Identity> saved = new ArrayList<>(items.size());
        for (Item it : items) {
            if (it.check && skipped.contains(it.key)) {
                continue;
            }
            if (op == Op.DELETE) {
                saved.add(new Identity(it.key, it.expected));
            } else if (it.plan.readBack == TableEngine.ReadBack.KNOWN) {
                saved.add(new Identity(it.key, it.plan.knownVersion(it.expected, it.now)));
            } else {
                saved.add(new Identity(it.key, after.get(it.key).version()));
            }
        }
        return result(op, items.size(), saved, conflicts, policy);
    }

    private BulkResult result(Op op, int rowCount, List<Identity> saved, List<RecordModifiedException> conflicts,
                              BulkPolicy policy) {
        if (!conflicts.isEmpty() && policy == BulkPolicy.ABORT_ALL) {
            throw abortAll(op, rowCount, conflicts);
        }
        return new BulkResult(model.name(), saved, conflicts);
    }

    private RuntimeException abortAll(Op op, int rowCount, List<RecordModifiedException> conflicts) {
        return handled(new BulkConflictException(model.name(), op.verb, rowCount, conflicts));
    }

    private RecordModifiedException conflict(Op op, Item it, Row current) {
        return new RecordModifiedException(model.name(), it.key, it.expected, current,
                op == Op.UPDATE ? it.changes : Map.of(), op.verb);
    }

    private RuntimeException handled(BulkConflictException e) {
        RuntimeException replacement = table.engine().conflictHandler().onConflict(e);
        return replacement == null ? e : replacement;
    }

    /**
     * Whether the dialect's one-statement form can carry every row: each key and new value is of a type it carries
     * exactly. Otherwise the rows go as a batch.
     */
    private boolean carried(Op op, List<Item> items) {
        String keyType = model.key().sqlType();
        // A key the database does not keep unique goes as a batch, whose count per row shows a key of two rows.
        if (statements == null || keyType == null || !model.keyUnique() || !statements.canFindRowsBy(keyType)) {
            return false;
        }
        List<Column> columns = model.columns();
        // Per column (the key last), the class of a value already accepted whose every value is (canCarry's rule).
        Class<?>[] accepted = new Class<?>[columns.size() + 1];
        for (Item it : items) {
            if (!carries(it.key, keyType, accepted, columns.size())) {
                return false;
            }
            if (op == Op.UPDATE) {
                for (int idx : it.plan.set) {
                    String type = columns.get(idx).sqlType();
                    Object value = it.values[idx];
                    if (type == null || (value != null && !carries(value, type, accepted, idx))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** {@link BulkStatements#canCarry}, asked once per column for the classes whose answer the class decides. */
    private boolean carries(Object value, String type, Class<?>[] accepted, int slot) {
        Class<?> c = value.getClass();
        if (c == accepted[slot]) {
            return true;
        }
        if (!statements.canCarry(value, type)) {
            return false;
        }
        if (c == Long.class || c == Integer.class || c == String.class || c == Boolean.class || c == Short.class
                || c == Byte.class) {
            accepted[slot] = c;
        }
        return true;
    }

    /**
     * Runs the items with the dialect's one-statement form: one statement per chunk of rows of the same shape
     * (checked or not, version may rise or not). A row counts 1 only when the statement handed it back.
     *
     * @return false when the statement handed back a row that is not one of the items, or one twice (a key column
     *     that is not unique): its answer then proves nothing, and the caller undoes it
     */
    private boolean executeStatements(Connection c, Op op, List<Item> ordered, BulkStatements.Locking locking,
                                      boolean allOrNothing) throws SQLException {
        int[] counts = new int[3];
        for (Item it : ordered) {
            it.count = 0;
            it.returned = false;
            counts[shape(op, it)]++;
        }
        List<List<Item>> shapes = new ArrayList<>(3);
        for (int s = 0; s < 3; s++) {
            if (counts[s] == ordered.size()) {
                // One shape, as for nearly every grid: the rows as they are, no copy.
                shapes = List.of(ordered);
                break;
            }
            List<Item> shape = new ArrayList<>(counts[s]);
            for (Item it : ordered) {
                if (shape(op, it) == s) {
                    shape.add(it);
                }
            }
            shapes.add(shape);
        }
        int chunk = Math.max(1, statements.maxRowsPerStatement());
        BulkStatements.Column key = new BulkStatements.Column(model.key().sql(), model.key().sqlType(),
                model.key().storedType(), false);
        for (List<Item> shape : shapes) {
            for (int from = 0; from < shape.size(); from += chunk) {
                List<Item> part = from == 0 && shape.size() <= chunk ? shape
                        : shape.subList(from, Math.min(shape.size(), from + chunk));
                Object[] keys = new Object[part.size()];
                long[] expected = part.get(0).check ? new long[part.size()] : null;
                for (int r = 0; r < part.size(); r++) {
                    Item it = part.get(r);
                    keys[r] = it.key;
                    if (expected != null) {
                        expected[r] = it.expected;
                    }
                }
                Written written = new Written(part);
                BulkStatements.Evidence evidence = evidence(op, part, allOrNothing);
                if (op == Op.DELETE) {
                    statements.delete(c, new BulkStatements.Delete(model.sqlName(), key, model.version().sql(),
                            expected != null, keys, expected, locking, evidence), written);
                } else {
                    statements.update(c, update(part, key, keys, expected, locking, evidence), written);
                }
                if (written.unproven) {
                    LOG.debug("The bulk statement for {} handed back a row twice or one it was not given; "
                            + "verifying with locked rows instead", model.name());
                    return false;
                }
            }
        }
        return true;
    }

    /** The rows of one chunk as its statement hands them back: each once, or it proves nothing. */
    private static final class Written implements BulkStatements.WrittenRows {
        private final List<Item> part;
        boolean unproven;

        Written(List<Item> part) {
            this.part = part;
        }

        private Item once(int index) {
            Item it = index >= 0 && index < part.size() ? part.get(index) : null;
            if (it == null || it.count == 1) {
                unproven = true;
                return null;
            }
            it.count = 1;
            return it;
        }

        @Override
        public void row(int index, long version) {
            Item it = once(index);
            if (it != null) {
                it.returned = true;
                it.returnedVersion = version;
            }
        }

        @Override
        public void row(int index) {
            once(index);
        }

        @Override
        public void all() {
            for (int i = 0; i < part.size(); i++) {
                once(i);
            }
        }
    }

    /**
     * What a chunk's statement must hand back: the rows with their versions unless every row is checked and the
     * engine knows the version it writes ({@link TableEngine.ReadBack#KNOWN}); deletes never need the versions.
     */
    private static BulkStatements.Evidence evidence(Op op, List<Item> part, boolean allOrNothing) {
        if (allOrNothing) {
            return BulkStatements.Evidence.ALL_OR_NOTHING;
        }
        if (op == Op.UPDATE) {
            for (Item it : part) {
                if (it.plan.readBack != TableEngine.ReadBack.KNOWN) {
                    return BulkStatements.Evidence.ROWS;
                }
            }
        }
        return BulkStatements.Evidence.POSITIONS;
    }

    /**
     * Which statement a row goes in: checked rows (2), unchecked rows that may bump (1, kept apart because only
     * they leave a row at the largest version alone), other unchecked rows (0).
     */
    private static int shape(Op op, Item it) {
        return it.check ? 2 : op == Op.UPDATE && it.plan.mayIncrement ? 1 : 0;
    }

    /** One chunk of rows of one shape, as the dialect's bulk update: the union of their columns, one array each. */
    private BulkStatements.Update update(List<Item> part, BulkStatements.Column key, Object[] keys, long[] expected,
                                         BulkStatements.Locking locking, BulkStatements.Evidence evidence) {
        List<Column> all = model.columns();
        BitSet union = new BitSet(all.size());
        for (Item it : part) {
            for (int idx : it.plan.set) {
                union.set(idx);
            }
        }
        int n = part.size();
        List<BulkStatements.Column> columns = new ArrayList<>(union.cardinality());
        Object[][] values = new Object[union.cardinality()][];
        boolean[][] written = new boolean[values.length][];
        int c = 0;
        for (int idx = union.nextSetBit(0); idx >= 0; idx = union.nextSetBit(idx + 1), c++) {
            Column col = all.get(idx);
            columns.add(new BulkStatements.Column(col.sql(), col.sqlType(), col.storedType(),
                    model.tracked().contains(col.name().toLowerCase(Locale.ROOT))));
            Object[] column = new Object[n];
            boolean[] writes = new boolean[n];
            boolean everyRow = true;
            for (int r = 0; r < n; r++) {
                Item it = part.get(r);
                column[r] = it.values[idx];
                writes[r] = contains(it.plan.set, idx);
                everyRow &= writes[r];
            }
            values[c] = column;
            written[c] = everyRow ? null : writes;
        }
        Item first = part.get(0);
        boolean mayIncrement = false;
        for (Item it : part) {
            mayIncrement |= it.plan.mayIncrement;
        }
        BulkStatements.VersionChange change;
        if (!mayIncrement) {
            change = BulkStatements.VersionChange.KEEP;
        } else if (model.strategy().kind() == VersionStrategy.Kind.AUTO_INCREMENT
                || model.strategy().kind() == VersionStrategy.Kind.TRIGGER) {
            // A trigger table's statement bumps the version itself, as the single-row one does (a missing trigger
            // must not leave the application's own writes unchecked); its trigger sets the same old + 1.
            change = BulkStatements.VersionChange.INCREMENT;
        } else if (model.strategy().kind() == VersionStrategy.Kind.TIMESTAMP) {
            change = BulkStatements.VersionChange.TIMESTAMP;
        } else {
            change = BulkStatements.VersionChange.CONDITIONAL;
        }
        long[] now = null;
        if (change == BulkStatements.VersionChange.TIMESTAMP) {
            now = new long[n];
            for (int r = 0; r < n; r++) {
                now[r] = part.get(r).now;
            }
        }
        return new BulkStatements.Update(model.sqlName(), key, model.version().sql(), columns, change, first.check,
                !first.check && mayIncrement, keys, expected, values, written, now, locking, evidence);
    }

    private static boolean contains(int[] sorted, int value) {
        return java.util.Arrays.binarySearch(sorted, value) >= 0;
    }

    /** Runs the items as one JDBC batch per distinct statement and records each item's update count. */
    private void executeBatches(Connection c, Op op, List<Item> items) throws SQLException {
        Map<String, List<Item>> batches = new LinkedHashMap<>();
        for (Item it : items) {
            batches.computeIfAbsent(statement(op, it), s -> new ArrayList<>()).add(it);
        }
        for (Map.Entry<String, List<Item>> batch : batches.entrySet()) {
            List<Item> group = batch.getValue();
            try (PreparedStatement ps = c.prepareStatement(batch.getKey())) {
                for (Item it : group) {
                    bind(ps, op, it);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < group.size(); i++) {
                    // A driver that reports fewer counts than statements has told us nothing about the rest.
                    group.get(i).count = counts.length == group.size() ? counts[i] : Statement.SUCCESS_NO_INFO;
                    refuseSharedKey(op, group.get(i));
                }
            }
        }
    }

    /** Runs the items' statements one at a time: every count is the database's own, and an abort surfaces. */
    private void executeOneByOne(Connection c, Op op, List<Item> items) throws SQLException {
        Map<String, PreparedStatement> statements = new HashMap<>();
        try {
            for (Item it : items) {
                String sql = statement(op, it);
                PreparedStatement ps = statements.get(sql);
                if (ps == null) {
                    ps = c.prepareStatement(sql);
                    statements.put(sql, ps);
                }
                bind(ps, op, it);
                it.count = ps.executeUpdate();
                refuseSharedKey(op, it);
            }
        } finally {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
        }
    }

    /**
     * Refuses a row whose statement changed more than one row: possible only for a key the declaration vouches for
     * ({@code assumeUniqueKey()}). The exception undoes the bulk write with its transaction or savepoint.
     */
    private void refuseSharedKey(Op op, Item it) {
        if (it.count > 1 && !model.keyUnique()) {
            throw new KeyNotUniqueException(model.name(), it.key, it.count, op.verb + "All");
        }
    }

    /** Refuses a key that a read found on two rows ({@link #refuseSharedKey(Op, Item)}, for reads). */
    private void refuseSharedKey(Object before, Object key, String operation) {
        if (before != null && !model.keyUnique()) {
            throw new KeyNotUniqueException(model.name(), key, 2, operation);
        }
    }

    private void bind(PreparedStatement ps, Op op, Item it) throws SQLException {
        if (op == Op.UPDATE) {
            table.bindUpdate(ps, it.plan, it.values, it.key, it.expected, it.now);
        } else {
            Binder.bind(ps, 1, it.key, model.key().jdbcType());
            if (it.check) {
                ps.setLong(2, it.expected);
            }
        }
    }

    private String statement(Op op, Item it) {
        if (op == Op.UPDATE) {
            return it.plan.updateSql;
        }
        return "DELETE FROM " + model.sqlName() + " WHERE " + model.key().sql() + " = ?"
                + (it.check ? " AND " + model.version().sql() + " = ?" : "");
    }

    /** Whether every key is a {@code Long} greater than the one before it. */
    private static boolean strictlyAscending(List<Item> items) {
        long last = Long.MIN_VALUE;
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i).key instanceof Long key) || (i > 0 && key <= last)) {
                return false;
            }
            last = key;
        }
        return true;
    }

    /**
     * Rows in key order when the keys can be ordered: two bulk writes over overlapping rows then take their row
     * locks in the same order and cannot deadlock each other.
     */
    private static List<Item> inKeyOrder(List<Item> items) {
        Class<?> type = items.get(0).key.getClass();
        if (!Comparable.class.isAssignableFrom(type)) {
            return items;
        }
        for (Item it : items) {
            if (it.key.getClass() != type) {
                return items;
            }
        }
        List<Item> sorted = new ArrayList<>(items);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Comparator<Item> byKey = (a, b) -> ((Comparable) a.key).compareTo(b.key);
        sorted.sort(byKey);
        return sorted;
    }

    private static List<Object> keys(List<Item> items) {
        List<Object> keys = new ArrayList<>(items.size());
        for (Item it : items) {
            keys.add(it.key);
        }
        return keys;
    }

    // ---------------------------------------------------------------- guard

    <T> T guard(Collection<Identity> selected, GuardedAction<T> action) {
        Objects.requireNonNull(selected, "selected must not be null; pass an empty collection to select no rows");
        Objects.requireNonNull(action, "action");
        Map<Object, Long> expected = new LinkedHashMap<>(selected.size() * 2);
        int i = 0;
        for (Identity id : selected) {
            if (id == null) {
                throw new IllegalArgumentException("The selection for a guarded action on " + model.name()
                        + " holds null at position " + i + ": pass one (key, version) Identity per selected row. "
                        + "The action did not run.");
            }
            Object k = table.key(id.key());
            Long before = expected.putIfAbsent(k, id.version());
            if (before != null && before != id.version()) {
                throw new IllegalArgumentException("Row " + k + " of " + model.name() + " is selected twice, with "
                        + "versions " + before + " and " + id.version() + ": a selection names each row once, with "
                        + "the version that was shown. The action did not run.");
            }
            i++;
        }
        boolean check = table.checksOn();
        String what = "run a guarded action on " + expected.size() + " selected rows of " + model.name();
        try {
            return transaction(what, "the action's transaction", null, ran -> true, tx -> {
                Connection c = tx.connection;
                if (check && !expected.isEmpty()) {
                    BulkConflictException changed = causally(c, locked -> changedRows(locked, expected, true));
                    if (changed != null) {
                        throw handled(changed);
                    }
                }
                return action.run(c);
            });
        } catch (TransactionAbortedException aborted) {
            if (!check || expected.isEmpty() || aborted.inCallersTransaction() && aborted.transactionRolledBack()) {
                // In a transaction of the caller's that the abort ended, every write the transaction made before the
                // guard is gone too: that, not which selected row moved, is what the caller must act on (run the
                // whole transaction again), and retry must see it to leave the transaction to the caller.
                throw aborted;
            }
            // Where locks are node-local (Galera) a writer on another node is stopped only by certification, which
            // aborts the guard's transaction: if a selected row changed, that change is the reason to report.
            BulkConflictException changed = Engine.withConnection(table.connections(),
                    "read the selected rows of " + model.name() + " again after the database aborted a guarded action",
                    c -> causally(c, fresh -> changedRows(fresh, expected, false)));
            if (changed == null) {
                throw aborted;
            }
            changed.initCause(aborted);
            throw handled(changed);
        }
    }

    /**
     * The selected rows that are no longer at the version shown, as a conflict carrying what they hold now, or
     * {@code null} when every row is still current. Rows with checks off in this thread
     * ({@code VersionedTable.disable(key)}) are not checked.
     */
    private BulkConflictException changedRows(Connection c, Map<Object, Long> expected, boolean lock)
            throws SQLException {
        List<Object> keys = new ArrayList<>(expected.keySet());
        keys.removeIf(k -> !table.checksOn(k));
        // Matched in a form both sides share: a NUMERIC key returns a BigDecimal for a given Long, a CHAR key pads.
        Map<Object, Long> versions = new HashMap<>(keys.size() * 2);
        (lock ? lockVersions(c, keys) : readVersions(c, keys))
                .forEach((k, v) -> versions.put(Binder.matchKey(k, model.key()), v));
        List<Object> changed = new ArrayList<>();
        for (Object k : keys) {
            Long v = versions.get(Binder.matchKey(k, model.key()));
            if (v == null || v.longValue() != expected.get(k)) {
                changed.add(k);
            }
        }
        if (changed.isEmpty()) {
            return null;
        }
        // The conflict path costs one more read: the exception carries what the rows hold now.
        Map<Object, Row> rows = new HashMap<>(changed.size() * 2);
        readRows(c, changed).forEach((k, r) -> rows.put(Binder.matchKey(k, model.key()), r));
        List<RecordModifiedException> conflicts = new ArrayList<>(changed.size());
        for (Object k : changed) {
            conflicts.add(new RecordModifiedException(model.name(), k, expected.get(k),
                    rows.get(Binder.matchKey(k, model.key())), Map.of(), GUARDED_ACTION));
        }
        return new BulkConflictException(model.name(), GUARDED_ACTION, expected.size(), conflicts);
    }

    /**
     * Runs reads that must see every write the cluster acknowledged before them (the dialect's causal reads, on
     * Galera {@code wsrep_sync_wait}), and restores the session's setting after.
     */
    private <T> T causally(Connection c, Engine.ConnectionWork<T> reads) throws SQLException {
        List<String> on = dialect.causalReadsOn();
        if (on.isEmpty()) {
            return reads.run(c);
        }
        execute(c, on);
        try {
            return reads.run(c);
        } finally {
            try {
                execute(c, dialect.causalReadsOff());
            } catch (SQLException ignored) {
                // A connection too broken to reset fails its next use; the pool then discards it.
            }
        }
    }

    private static void execute(Connection c, List<String> statements) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    // ---------------------------------------------------------------- reads

    /** The rows with these keys, locked until the transaction ends. */
    private Map<Object, Row> lockRows(Connection c, List<Object> keys) throws SQLException {
        return lockRows(c, keys, dialect.supportsSelectForUpdate() ? " FOR UPDATE" : "");
    }

    /** {@link #lockRows(Connection, List)} with this lock clause. */
    private Map<Object, Row> lockRows(Connection c, List<Object> keys, String lockClause) throws SQLException {
        takeWriteLockWithoutRowLocks(c);
        Map<Object, Row> rows = new HashMap<>(keys.size() * 2);
        select(c, keys, selectColumns, lockClause, rs -> {
            Row r = table.toRow(rs);
            Object k = table.key(r.key());
            refuseSharedKey(rows.put(k, r), k, "bulk write");
        });
        return rows;
    }

    /**
     * The rows of these items, where a rollback to a savepoint kept the locks of the rows the undone attempt wrote
     * and a plain read sees the latest commits (MariaDB at READ COMMITTED): a row that reads at a version other than
     * its item expects is a conflict without a lock (a version never goes back), and only the others are locked, in
     * key order. Those are the rows the undone attempt matched, which this transaction still holds, so it waits for
     * no row while holding a later one.
     *
     * <p>At READ UNCOMMITTED the plain read also sees versions other transactions have not committed: a row another
     * caller holds can read at the version this one expects (its caller read that uncommitted version), although the
     * undone attempt did not match it, and locking it waited for that caller while holding later rows (1 to 3 of 512
     * calls deadlocked, BulkCallersDeadlockStormTest's fallback storm). Where the dialect can skip rows other
     * transactions hold, the rows are locked so: every row the undone attempt matched is this transaction's own and
     * is returned; a checked row held elsewhere was not matched by the attempt, whose statement saw its latest commit
     * at another version, and is refused (put in {@code heldElsewhere}, with the row as read); an unchecked one is
     * locked after, waiting as an unchecked write does.
     */
    private Map<Object, Row> lockWritableRows(Connection c, List<Item> ordered, Set<Object> heldElsewhere)
            throws SQLException {
        Map<Object, Row> rows = readRows(c, keys(ordered));
        List<Object> writable = new ArrayList<>(ordered.size());
        Map<Object, Item> byKey = new HashMap<>(ordered.size() * 2);
        for (Item it : ordered) {
            Row latest = rows.get(it.key);
            if (latest != null && (!it.check || latest.version() == it.expected)) {
                writable.add(it.key);
                byKey.put(it.key, it);
            }
        }
        if (writable.isEmpty()) {
            return rows;
        }
        String skipping = dialect.lockClauseSkippingHeldRows(c);
        if (skipping == null) {
            writable.forEach(rows::remove);
            rows.putAll(lockRows(c, writable));
            return rows;
        }
        Map<Object, Row> locked = lockRows(c, writable, skipping);
        List<Object> uncheckedHeldElsewhere = new ArrayList<>();
        for (Object k : writable) {
            if (!locked.containsKey(k)) {
                if (byKey.get(k).check) {
                    heldElsewhere.add(k);
                } else {
                    uncheckedHeldElsewhere.add(k);
                }
            }
        }
        rows.putAll(locked);
        if (!uncheckedHeldElsewhere.isEmpty()) {
            uncheckedHeldElsewhere.forEach(rows::remove);
            rows.putAll(lockRows(c, uncheckedHeldElsewhere));
        }
        return rows;
    }

    /** The versions of the rows with these keys, locked until the transaction ends. */
    private Map<Object, Long> lockVersions(Connection c, List<Object> keys) throws SQLException {
        takeWriteLockWithoutRowLocks(c);
        Map<Object, Long> versions = new HashMap<>(keys.size() * 2);
        select(c, keys, model.key().sql() + ", " + model.version().sql(),
                dialect.supportsSelectForUpdate() ? " FOR UPDATE" : "", rs -> {
                    Object k = table.key(rs.getObject(1));
                    refuseSharedKey(versions.put(k, rs.getLong(2)), k, GUARDED_ACTION);
                });
        return versions;
    }

    /** The versions of the rows with these keys as the latest commit left them, without holding locks after. */
    private Map<Object, Long> readVersions(Connection c, List<Object> keys) throws SQLException {
        Map<Object, Long> versions = new HashMap<>(keys.size() * 2);
        select(c, keys, model.key().sql() + ", " + model.version().sql(), dialect.currentReadClause(), rs -> {
            Object k = table.key(rs.getObject(1));
            refuseSharedKey(versions.put(k, rs.getLong(2)), k, GUARDED_ACTION);
        });
        return versions;
    }

    /**
     * The rows with these keys as the latest commit (or this transaction) left them, not as a REPEATABLE READ
     * snapshot shows them; locked where only a locking read sees that ({@link Dialect#currentReadClause(Connection)}).
     */
    private Map<Object, Row> readRows(Connection c, List<Object> keys) throws SQLException {
        Map<Object, Row> rows = new HashMap<>(keys.size() * 2);
        select(c, keys, selectColumns, dialect.currentReadClause(c), rs -> {
            Row r = table.toRow(rs);
            Object k = table.key(r.key());
            refuseSharedKey(rows.put(k, r), k, "bulk write");
        });
        return rows;
    }

    /**
     * A database without row locks (SQLite) serializes writers with one database-wide write lock instead. Taking it
     * before the check (BEGIN IMMEDIATE semantics) keeps anyone from writing between the check and what follows; a
     * write statement that matches no row takes it without changing anything.
     */
    private void takeWriteLockWithoutRowLocks(Connection c) throws SQLException {
        if (dialect.supportsSelectForUpdate()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + model.sqlName() + " SET " + model.key().sql()
                + " = " + model.key().sql() + " WHERE 1 = 0")) {
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** One query per chunk of keys, each chunk as large as the dialect's parameter limit allows. */
    private void select(Connection c, List<Object> keys, String columns, String lockClause, RowReader reader)
            throws SQLException {
        int chunk = Math.max(1, dialect.maxParameters());
        for (int from = 0; from < keys.size(); from += chunk) {
            List<Object> part = keys.subList(from, Math.min(keys.size(), from + chunk));
            // Locks are taken in the order of the list, as the batch takes them: concurrent bulk operations cannot
            // deadlock. Numbers are in the index's order there already; text need not be (see the dialect).
            String inListOrder = !lockClause.startsWith(" FOR UPDATE") || numbers(part) ? null
                    : dialect.lockingReadInListOrder(columns, model.sqlName(), model.key().sql(), part.size(),
                            lockClause);
            StringBuilder sql = new StringBuilder(64 + part.size() * 3);
            if (inListOrder != null) {
                sql.append(inListOrder);
            } else {
                sql.append("SELECT ").append(columns).append(" FROM ").append(model.sqlName()).append(" WHERE ")
                        .append(model.key().sql()).append(" IN (");
                for (int i = 0; i < part.size(); i++) {
                    sql.append(i == 0 ? "?" : ", ?");
                }
                sql.append(')');
                if (!lockClause.isEmpty()) {
                    sql.append(" ORDER BY ").append(model.key().sql()).append(lockClause);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < part.size(); i++) {
                    Binder.bind(ps, i + 1, part.get(i), model.key().jdbcType());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reader.read(rs);
                    }
                }
            }
        }
    }

    /** Whether every key is a whole number, whose order in Java is its order in the key's index. */
    private static boolean numbers(List<Object> keys) {
        for (Object k : keys) {
            if (!(k instanceof Long || k instanceof Integer)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- transactions

    @FunctionalInterface
    private interface TransactionWork<T> {
        T run(Transaction tx) throws SQLException;
    }

    /**
     * Work tried first, in auto-commit, when the connection is in no transaction; {@code null} when it did nothing.
     * It throws only when the connection was lost while it ran.
     */
    @FunctionalInterface
    private interface Alone<T> {
        T run(Connection c) throws SQLException;
    }

    private static boolean connectionLost(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * The connection was lost while a statement ran alone in auto-commit. An error the database sent (it was shut
     * down, or the session was terminated) came before the commit: nothing was saved. Without one, the commit may
     * have happened before the connection broke, and only a read can tell; the statement writes every row or none.
     */
    private static StatementFailedException lostAlone(String what, SQLException e) {
        String state = e.getSQLState();
        if (state != null && !state.startsWith("08")) {
            return new StatementFailedException("Could not " + what + ": the database ended the session while the "
                    + "statement ran, before it committed, so nothing was saved; run it again", e);
        }
        return new StatementFailedException("Could not " + what + ": the connection was lost while the statement "
                + "ran in auto-commit, so the database saved either every row of it or none, and only a read can "
                + "tell which: read the rows again before you repeat it", e);
    }

    /**
     * The transaction of one bulk operation: the engine's own when the connection is in auto-commit, otherwise
     * the caller's, in which a savepoint marks where the operation began so that it can be undone alone.
     */
    private static final class Transaction {
        final Connection connection;
        final boolean own;
        final Savepoint savepoint;

        Transaction(Connection connection, boolean own, Savepoint savepoint) {
            this.connection = connection;
            this.own = own;
            this.savepoint = savepoint;
        }

        void undo() throws SQLException {
            if (own) {
                connection.rollback();
            } else {
                connection.rollback(savepoint);
            }
        }

        boolean undoQuietly() {
            try {
                undo();
                return true;
            } catch (SQLException e) {
                return false;
            }
        }

        /**
         * The database rolled back the caller's whole transaction in the middle of a batch, but H2 and MariaDB
         * Connector/J (continueBatchOnError) run the batch's remaining rows anyway, in a new transaction that the
         * caller's commit would save: found by IsolationMatrixTest on H2 at REPEATABLE READ. Rolling that back takes
         * nothing from the caller that the database had not already undone, and keeps "nothing saved" true.
         */
        void endCallersAbortedTransaction() {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // A connection that cannot roll back cannot commit either; the abort is what the caller must see.
            }
        }

        void finish() throws SQLException {
            if (own) {
                connection.commit();
            } else {
                try {
                    connection.releaseSavepoint(savepoint);
                } catch (SQLFeatureNotSupportedException ignored) {
                    // The savepoint then lives until the caller's transaction ends, which is harmless.
                }
            }
        }
    }

    /**
     * @param saved whether a result means rows were written: counted as saved for good ({@link SavedWrites}) when
     *     the transaction was the engine's own and committed
     */
    private <T> T transaction(String what, String unit, Alone<T> alone, Predicate<T> saved, TransactionWork<T> work) {
        // inTransaction turns every SQLException into a message that says what became of the data, so only a
        // failure to get a connection reaches withConnection's own wording.
        return Engine.withConnection(table.connections(), what, c -> inTransaction(c, what, unit, alone, saved,
                work));
    }

    private <T> T inTransaction(Connection c, String what, String unit, Alone<T> alone, Predicate<T> saved,
                                TransactionWork<T> work) {
        Transaction tx;
        boolean own = true;
        try {
            own = c.getAutoCommit();
            if (own && alone != null) {
                T done;
                try {
                    done = alone.run(c);
                } catch (SQLException e) {
                    throw lostAlone(what, e);
                }
                if (done != null) {
                    if (saved.test(done)) {
                        SavedWrites.note();
                    }
                    return done;
                }
            }
            if (own) {
                c.setAutoCommit(false);
            }
            tx = new Transaction(c, own, own ? null : c.setSavepoint());
        } catch (SQLException e) {
            if (!own) {
                // The savepoint is the first statement the caller's transaction sends after the caller's own: on
                // Galera it reports an abort that another node's commit caused while the transaction was idle, which
                // took every earlier write of the transaction with it (GaleraCallersTransactionTest).
                throw Failures.of(dialect, what, Engine.scopeOf(dialect, c, e), e);
            }
            throw Failures.of(dialect, "start a transaction to " + what + "; nothing was written", Failures.Scope.OWN,
                    e);
        }
        try {
            T result;
            try {
                result = work.run(tx);
            } catch (SQLException e) {
                boolean undone = tx.undoQuietly();
                Dialect.Abort abort = dialect.abortOf(e);
                if (abort != null) {
                    if (!tx.own && abort.transactionRolledBack()) {
                        tx.endCallersAbortedTransaction();
                    }
                    throw new TransactionAbortedException(Failures.aborted(what, abort,
                            tx.own ? Failures.Scope.OWN : Failures.Scope.CALLERS), abort.transactionRolledBack(),
                            !tx.own, e);
                }
                throw new StatementFailedException("Could not " + what + ": " + undoneMessage(tx, unit, undone), e,
                        dialect.adviceFor(e));
            } catch (RuntimeException | Error e) {
                tx.undoQuietly();
                throw e;
            }
            try {
                tx.finish();
            } catch (SQLException e) {
                tx.undoQuietly();
                Dialect.Abort abort = dialect.abortOf(e);
                if (abort != null && !tx.own) {
                    // Releasing the savepoint is a statement of the caller's transaction, and the abort it reports
                    // (on Galera, another node's commit) ended that transaction, not a commit of the engine's.
                    if (abort.transactionRolledBack()) {
                        tx.endCallersAbortedTransaction();
                    }
                    throw new TransactionAbortedException(Failures.aborted(what, abort, Failures.Scope.CALLERS),
                            abort.transactionRolledBack(), true, e);
                }
                if (abort != null) {
                    throw new TransactionAbortedException(Failures.abortedAtCommit(what, abort), true, e);
                }
                throw new StatementFailedException("Could not commit " + what + ": if the connection was lost "
                        + "during the commit, the database may or may not have saved it; read the rows again", e);
            }
            if (saved.test(result)) {
                if (tx.own) {
                    SavedWrites.note();
                } else {
                    SavedWrites.noteInCallersTransaction(c);
                }
            }
            return result;
        } finally {
            if (tx.own) {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // A dead connection cannot be reset; the pool discards it.
                }
            }
        }
    }

    private static String undoneMessage(Transaction tx, String unit, boolean undone) {
        if (tx.own) {
            // Uncommitted work dies with its transaction even when the rollback itself fails (a lost connection).
            return unit + " was rolled back and nothing was saved";
        }
        if (undone) {
            return unit + " was rolled back to the savepoint taken before it, so nothing of it was saved; "
                    + "the caller's transaction is still open";
        }
        return "nothing of " + unit + " is committed, but it could not be rolled back to the savepoint taken "
                + "before it: roll back the caller's transaction";
    }
}
