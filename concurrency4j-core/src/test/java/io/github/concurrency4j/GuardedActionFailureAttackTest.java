package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * Attack (issue 14): a guarded action that meets a failed statement inside its transaction and goes on, as an
 * action that tolerates one bad row does. On PostgreSQL a failed statement aborts the whole transaction, whose
 * COMMIT then only rolls back: the guard must not report the action done while the writes it made are gone. On the
 * other databases a failed statement undoes only itself, and the action's other writes are committed. Either way:
 * the guard returns normally exactly when every write the action was told succeeded is in the table.
 */
class GuardedActionFailureAttackTest {

    private static String table(TestDatabase db) {
        String t = db.createTable("product", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(100), "
                + "price INT CHECK (price >= 0), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, price, version) VALUES (1, 'apple', 10, 1)",
                "INSERT INTO " + t + " (id, name, price, version) VALUES (2, 'pear', 20, 1)");
        return t;
    }

    /** The action's own statement fails (a constraint); it catches the driver's exception and returns. */
    @AllDatabases
    void aGuardWhoseActionSwallowedAFailedStatementIsDoneOnlyIfItsWritesAreStored(TestDatabase db) {
        String t = table(db);
        VersionedTable products = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        Object[] outcome = new Object[1];
        Throwable e = catchThrowable(() -> outcome[0] = products.guard(List.of(new Identity(1, 1L),
                new Identity(2, 1L)), c -> {
            long v = products.using(c).update(2, 1L, Map.of("price", 77));   // acknowledged to the action
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET price = -1 WHERE id = 1");
            } catch (SQLException tolerated) {
                // The action skips the bad row and carries on.
            }
            return v;
        }));

        assertAcknowledgedIffStored(db, t, e, outcome[0]);
    }

    /** The same, where the failed statement is the engine's own write, refused by the constraint. */
    @AllDatabases
    void aGuardWhoseActionCaughtAFailedEngineWriteIsDoneOnlyIfItsWritesAreStored(TestDatabase db) {
        String t = table(db);
        VersionedTable products = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        Object[] outcome = new Object[1];
        Throwable e = catchThrowable(() -> outcome[0] = products.guard(List.of(new Identity(1, 1L),
                new Identity(2, 1L)), c -> {
            long v = products.using(c).update(2, 1L, Map.of("price", 77));
            Throwable refused = catchThrowable(() -> products.using(c).update(1, 1L, Map.of("price", -1)));
            assertThat(refused).isInstanceOf(StatementFailedException.class);
            return v;
        }));

        assertAcknowledgedIffStored(db, t, e, outcome[0]);
    }

    /**
     * The engine's own write refused by a constraint inside the caller's transaction: its error must say whether that
     * transaction can still commit. On PostgreSQL it cannot (the failure aborted it, and the commit only rolls back,
     * taking the earlier acknowledged write with it); elsewhere the earlier write commits.
     */
    @AllDatabases
    void aFailedWriteInTheCallersTransactionSaysWhetherThatTransactionCanStillCommit(TestDatabase db)
            throws SQLException {
        String t = table(db);
        VersionedTable products = Concurrency.builder(db.dataSource()).table(t).build().table(t);
        boolean abortsWhole = db.name().equals("postgresql");

        try (java.sql.Connection c = db.rawConnection()) {
            c.setAutoCommit(false);
            products.using(c).update(2, 1L, Map.of("price", 77));
            Throwable refused = catchThrowable(() -> products.using(c).update(1, 1L, Map.of("price", -1)));
            c.commit();

            assertThat(refused).isInstanceOf(StatementFailedException.class);
            if (abortsWhole) {
                assertThat(refused).hasMessageContaining("aborted the transaction it ran in, yours")
                        .hasMessageContaining("Roll it back");
                assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).as("the commit rolled back")
                        .isEqualTo(20);
            } else {
                assertThat(refused.getMessage()).doesNotContain("Roll it back");
                assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).isEqualTo(77);
            }
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
        }
    }

    private static void assertAcknowledgedIffStored(TestDatabase db, String t, Throwable e, Object outcome) {
        long price2 = db.queryLong("SELECT price FROM " + t + " WHERE id = 2");
        long version2 = db.queryLong("SELECT version FROM " + t + " WHERE id = 2");
        long price1 = db.queryLong("SELECT price FROM " + t + " WHERE id = 1");
        assertThat(price1).as("the refused write is not there").isEqualTo(10);
        if (e == null) {
            assertThat(outcome).as("guard returned the action's result").isEqualTo(2L);
            assertThat(price2).as("the guard reported the action done: its write must be stored").isEqualTo(77);
            assertThat(version2).isEqualTo(2);
        } else {
            assertThat(e).as("a failed guard says so with a concurrency4j exception")
                    .isInstanceOf(ConcurrencyException.class);
            assertThat(price2).as("the guard failed: nothing of the action is stored").isEqualTo(20);
            assertThat(version2).isEqualTo(1);
        }
    }
}
