package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one bulk statement dies in the middle of a chunk of 1,000 rows: its connection killed by an administrator, or
 * cancelled by a statement timeout. The caller hears a clear failure, nothing is reported saved, and the table holds
 * nothing of the statement.
 */
class BulkFailureAttackTest {

    /** 1,000 rows, and a trigger that makes the update of row 500 take {@code seconds}: the statement is mid-chunk. */
    private static String slowTable(TestDatabase db, double seconds) {
        String t = BulkFixtures.itemTable(db, 1_000);
        db.execute("CREATE OR REPLACE FUNCTION " + t + "_slow() RETURNS trigger AS $$ BEGIN "
                + "IF NEW.id = 500 THEN PERFORM pg_sleep(" + seconds + "); END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER " + t + "_slow BEFORE UPDATE ON " + t + " FOR EACH ROW EXECUTE FUNCTION " + t
                        + "_slow()");
        return t;
    }

    private static long unchanged(TestDatabase db, String t) {
        return db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id AND version = 1");
    }

    @PostgresqlOnly
    void aConnectionKilledMidStatementReportsNothingSavedAndLeavesTheTableAsItWas(TestDatabase db) throws Exception {
        String t = slowTable(db, 20);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(
                () -> catchThrowable(() -> items.updateAll(BulkFixtures.priceChanges(1_000, 3), BulkPolicy.ABORT_ALL)));
        int killed = 0;
        try (Connection admin = db.rawConnection(); Statement s = admin.createStatement()) {
            for (int i = 0; i < 200 && killed == 0; i++) {
                Thread.sleep(50);
                try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE query LIKE '%UPDATE %" + t + "%unnest%' AND state = 'active'"
                        + " AND pid <> pg_backend_pid()")) {
                    while (rs.next()) {
                        killed++;
                    }
                }
            }
        }
        assertThat(killed).as("backends killed mid-statement").isEqualTo(1);
        Throwable failure = call.get(30, TimeUnit.SECONDS);

        assertThat(failure).isInstanceOf(ConcurrencyException.class)
                .hasMessageContaining("nothing was saved");
        assertThat(unchanged(db, t)).isEqualTo(1_000);
        // The pool recovers: the next call on a fresh connection saves every row.
        db.execute("DROP TRIGGER " + t + "_slow ON " + t);
        assertThat(items.updateAll(BulkFixtures.priceChanges(1_000, 3), BulkPolicy.ABORT_ALL).saved())
                .hasSize(1_000);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 3 AND version = 2"))
                .isEqualTo(1_000);
    }

    @PostgresqlOnly
    void aStatementTimeoutInTheCallersTransactionUndoesTheCallAloneAndTheCallerCanCommit(TestDatabase db)
            throws Exception {
        String t = slowTable(db, 2);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        Throwable failure;
        try (Connection caller = db.rawConnection()) {
            caller.setAutoCommit(false);
            try (Statement s = caller.createStatement()) {
                s.execute("SET statement_timeout = 300");
                s.executeUpdate("UPDATE " + t + " SET name = 'caller' WHERE id = 1000");
            }
            failure = catchThrowable(() -> items.using(caller).updateAll(BulkFixtures.priceChanges(1_000, 3),
                    BulkPolicy.SKIP_CONFLICTS));
            caller.commit();
        }

        assertThat(failure).isInstanceOf(StatementFailedException.class)
                .hasMessageContaining("nothing of it was saved").hasMessageContaining("still open");
        assertThat(unchanged(db, t)).isEqualTo(1_000);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1000")).isEqualTo("caller");
    }
}
