package io.github.concurrency4j.internal;

import io.github.concurrency4j.Identity;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionStrategy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The single-row operations that are not plain writes: the check-only call ({@code concurrency_check} in the seed)
 * and the restore of a deleted row that continues its version (the seed's django-reversion recipe).
 */
final class RowOperations {
    static final String CHECK = "check";

    private final TableEngine table;
    private final TableModel model;

    RowOperations(TableEngine table) {
        this.table = table;
        this.model = table.model();
    }

    /**
     * Verifies that the row is at the expected version. In auto-commit a plain read (each statement sees the
     * latest committed row); inside the caller's transaction a locking read, because a plain one would see the
     * transaction's snapshot and could pass a version that someone has since replaced.
     */
    void check(Object key, long expected, boolean exclusive) {
        Object k = table.key(key);
        if (!table.checksOn(k)) {
            return;
        }
        TableModel m = model;
        table.engine().write(table.connections(), CHECK + " " + m.name(), key, c -> {
            boolean callersTransaction = !c.getAutoCommit();
            if (exclusive && !callersTransaction) {
                throw new IllegalStateException("checkAndLock(" + k + ", " + expected + ") on " + m.name()
                        + " ran in auto-commit, where a lock ends with its statement. Run it on the connection of "
                        + "an open transaction (table.using(connection) after connection.setAutoCommit(false), or "
                        + "inside a @Transactional method), then write and commit in that transaction.");
            }
            Row current = callersTransaction ? lockedRead(c, k, exclusive) : table.readRowCausally(c, k);
            if (current == null || current.version() != expected) {
                throw table.conflict(k, expected, current, Map.of(), CHECK);
            }
            return null;
        });
    }

    private Row lockedRead(Connection c, Object key, boolean exclusive) throws SQLException {
        String lock = exclusive ? (table.engine().dialect().supportsSelectForUpdate() ? " FOR UPDATE" : null)
                : table.engine().dialect().sharedLockClause();
        if (lock == null) {
            // No row locks (SQLite): take the database's write lock, which also ends a stale read snapshot (the
            // database refuses the upgrade with SQLITE_BUSY_SNAPSHOT rather than let an old read pass).
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + model.sqlName() + " SET " + model.key().sql()
                    + " = " + model.key().sql() + " WHERE 1 = 0")) {
                ps.executeUpdate();
            }
            return table.readRow(c, key);
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < model.columns().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(model.columns().get(i).sql());
        }
        sql.append(" FROM ").append(model.sqlName()).append(" WHERE ").append(model.key().sql()).append(" = ?")
                .append(lock);
        // A lock on a Galera node holds there only; the read must also see what other nodes saved before it.
        try (PreparedStatement ps = c.prepareStatement(table.engine().dialect().causalRead(sql.toString()))) {
            Binder.bind(ps, 1, key, model.key().jdbcType());
            try (ResultSet rs = ps.executeQuery()) {
                Row row = rs.next() ? table.toRow(rs) : null;
                table.refuseMoreRows(rs, row != null, key, CHECK);
                return row;
            }
        }
    }

    /** Inserts a deleted row again, at a version above every version it had before. */
    Identity restore(Map<String, ?> values, long lastVersion) {
        Objects.requireNonNull(values, "values");
        if (lastVersion == Long.MAX_VALUE) {
            throw new IllegalArgumentException("Cannot restore a " + model.name() + " row after version "
                    + lastVersion + ": no greater version exists. Nothing was written.");
        }
        List<Column> cols = new ArrayList<>(values.size() + 1);
        List<Object> vals = new ArrayList<>(values.size() + 1);
        Object key = null;
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Column col = table.column(e.getKey());
            Object v = e.getValue();
            if (col == model.version()) {
                // A saved copy of the row carries its version; it may stay in the map if it is the last one.
                if (!(v instanceof Number n) || n.longValue() != lastVersion) {
                    throw new IllegalArgumentException("Restore of " + model.name() + " sets the version column '"
                            + col.name() + "' to " + v + " but names " + lastVersion + " as the last version: "
                            + "leave the version column out (the engine sets it) or make them agree. Nothing was "
                            + "written.");
                }
                continue;
            }
            if (col == model.key()) {
                if (v == null) {
                    continue;
                }
                v = table.key(v);
                key = v;
            }
            cols.add(col);
            vals.add(v);
        }
        if (key == null) {
            throw new IllegalArgumentException("Restore of a " + model.name() + " row names no key: a restore puts "
                    + "a deleted row back under its old key, so that links and open forms find it. Add the key "
                    + "column '" + model.key().name() + "' to the values. Nothing was written.");
        }
        long version = model.strategy().kind() == VersionStrategy.Kind.TIMESTAMP
                ? Math.max(lastVersion + 1, table.engine().nowMicros()) : lastVersion + 1;
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(model.sqlName()).append(" (");
        for (Column c : cols) {
            sql.append(c.sql()).append(", ");
        }
        sql.append(model.version().sql()).append(") VALUES (").append("?, ".repeat(cols.size())).append("?)");
        Object restoredKey = key;
        return table.engine().save(table.connections(), "restore " + model.name(), key, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (int n = 0; n < cols.size(); n++) {
                    Binder.bind(ps, i++, vals.get(n), cols.get(n).jdbcType());
                }
                ps.setLong(i, version);
                ps.executeUpdate();
            }
            return new Identity(restoredKey, version);
        });
    }
}
