package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A write the database refuses for a constraint (UNIQUE, CHECK, NOT NULL, foreign key) changes nothing, in
 * auto-commit and inside a caller's transaction that goes on to commit. On H2 2.3.232 the engine's
 * {@code SELECT ... FROM FINAL TABLE (UPDATE ...)} (conditional, trigger and unchecked writes) deleted the row
 * instead.
 */
class ConstraintFailureTest {

    private static final Map<String, VersionStrategy> STRATEGIES = new LinkedHashMap<>();

    static {
        STRATEGIES.put("autoIncrement", VersionStrategy.autoIncrement());
        STRATEGIES.put("conditional", VersionStrategy.conditional().checkFields("name", "price", "stock"));
        STRATEGIES.put("trigger", VersionStrategy.trigger());
    }

    private static Map<String, Map<String, Object>> failures(TestDatabase db) {
        Map<String, Map<String, Object>> f = new LinkedHashMap<>();
        f.put("UNIQUE", Map.of("name", "pear"));
        f.put("CHECK", Map.of("price", -1));
        Map<String, Object> nullStock = new HashMap<>();
        nullStock.put("stock", null);
        f.put("NOT NULL", nullStock);
        // SQLite enforces foreign keys only with PRAGMA foreign_keys=ON, which the shared test pool does not set.
        if (!db.name().equals("sqlite")) {
            f.put("FOREIGN KEY", Map.of("supplier_id", 999));
        }
        return f;
    }

    @AllDatabases
    void aWriteRefusedForAConstraintLeavesTheRowIntactInAutoCommitAndInACommittedTransaction(TestDatabase db)
            throws Exception {
        StringBuilder broken = new StringBuilder();
        for (Map.Entry<String, VersionStrategy> strategy : STRATEGIES.entrySet()) {
            String supplier = db.createTable("supplier", "id " + db.keyType() + " PRIMARY KEY");
            db.execute("INSERT INTO " + supplier + " (id) VALUES (1)");
            String t = db.createTable("guarded", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(20) UNIQUE, "
                    + "price INT CHECK (price >= 0), stock INT NOT NULL, supplier_id " + db.keyType()
                    + " REFERENCES " + supplier + " (id), version BIGINT NOT NULL");
            db.execute("INSERT INTO " + t + " (id, name, price, stock, supplier_id, version) VALUES "
                    + "(1, 'apple', 10, 5, 1, 1), (2, 'pear', 20, 7, 1, 1)");
            VersionedTable table = Concurrency.builder(db.dataSource()).versionRequired(false)
                    .table(t, d -> d.version("version", strategy.getValue()))
                    .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                    .build().table(t);
            for (Map.Entry<String, Map<String, Object>> failure : failures(db).entrySet()) {
                for (boolean checked : new boolean[] {true, false}) {
                    for (boolean inTransaction : new boolean[] {false, true}) {
                        String what = strategy.getKey() + (checked ? " checked " : " unchecked ") + failure.getKey()
                                + (inTransaction ? " in a committed transaction" : " in auto-commit");
                        Throwable e = attempt(db, table, checked ? 1L : null, failure.getValue(), inTransaction);
                        if (!(e instanceof StatementFailedException) || !e.getMessage().contains("Could not update")) {
                            broken.append('\n').append(what).append(": threw ").append(e);
                        }
                        List<Object> row = row(db, t);
                        if (!row.equals(List.of("apple", 10L, 5L, 1L, 1L))) {
                            broken.append('\n').append(what).append(": row 1 is now ").append(row);
                            // Put the row back so that the next case starts from it.
                            db.execute("DELETE FROM " + t + " WHERE id = 1");
                            db.execute("INSERT INTO " + t + " (id, name, price, stock, supplier_id, version) VALUES "
                                    + "(1, 'apple', 10, 5, 1, 1)");
                        }
                    }
                }
            }
            // The child first: the shared cleanup drops in creation order, which a foreign key refuses.
            db.execute("DROP TABLE " + t, "DROP TABLE " + supplier);
        }
        assertThat(broken.toString()).as("refused writes that changed the row or said nothing clear").isEmpty();
    }

    private static Throwable attempt(TestDatabase db, VersionedTable table, Long version, Map<String, Object> change,
                                     boolean inTransaction) throws SQLException {
        if (!inTransaction) {
            return catchThrowable(() -> table.update(1, version, change));
        }
        try (Connection c = db.rawConnection()) {
            c.setAutoCommit(false);
            Throwable e = catchThrowable(() -> table.using(c).update(1, version, change));
            try {
                c.commit();
            } catch (SQLException aborted) {
                // PostgreSQL refuses to commit a transaction in which a statement failed.
                c.rollback();
            }
            return e;
        }
    }

    /** Row 1 as (name, price, stock, supplier, version), or an empty list when it is gone. */
    private static List<Object> row(TestDatabase db, String t) {
        Object name = db.queryValue("SELECT name FROM " + t + " WHERE id = 1");
        if (name == null) {
            return List.of();
        }
        return List.of(name, db.queryLong("SELECT price FROM " + t + " WHERE id = 1"),
                db.queryLong("SELECT stock FROM " + t + " WHERE id = 1"),
                db.queryLong("SELECT supplier_id FROM " + t + " WHERE id = 1"),
                db.queryLong("SELECT version FROM " + t + " WHERE id = 1"));
    }
}
