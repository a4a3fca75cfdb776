package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * What a refused write reads on MariaDB to report the winner, single-row and bulk alike. At READ COMMITTED a plain
 * read already sees the latest commit, so the refused row is read without a lock and the winner reported is that
 * commit: the UPDATE or DELETE by key waited for any writer at work on the row (InnoDB reads a row it finds by a
 * unique key locked, even at READ COMMITTED), so the commit that refused it is the latest or an older one than the
 * read sees, never a newer one. At REPEATABLE READ the read locks, as only a locking read sees past the snapshot.
 * Every case checks the table afterwards.
 */
class MariaDbConflictReadTest {

    private enum Write { UPDATE, DELETE, UPDATE_ALL, DELETE_ALL }

    /** Refuses one stale write of the given kind on {@code c}, returning the winner it reported. */
    private static Row refuse(VersionedTable products, Connection c, Write write) {
        switch (write) {
            case UPDATE:
                return winner(catchConflict(() -> products.using(c).update(1, 1L, Map.of("price", 99))));
            case DELETE:
                return winner(catchConflict(() -> products.using(c).delete(1, 1L)));
            case UPDATE_ALL:
                BulkResult updated = products.using(c).updateAll(List.of(RowChange.of(1, 1L, Map.of("price", 99))),
                        BulkPolicy.SKIP_CONFLICTS);
                assertThat(updated.saved()).isEmpty();
                return updated.conflicts().get(0).currentRow().orElseThrow();
            default:
                BulkResult deleted = products.using(c).deleteAll(List.of(Identity.of(1, 1L)),
                        BulkPolicy.SKIP_CONFLICTS);
                assertThat(deleted.saved()).isEmpty();
                return deleted.conflicts().get(0).currentRow().orElseThrow();
        }
    }

    private static RecordModifiedException catchConflict(Runnable write) {
        try {
            write.run();
        } catch (RecordModifiedException e) {
            return e;
        }
        throw new AssertionError("the stale write was not refused");
    }

    private static Row winner(RecordModifiedException e) {
        return e.currentRow().orElseThrow();
    }

    /**
     * A single-row write refused at READ COMMITTED leaves the row unlocked: before, its locking read of the winner
     * held the row until the caller's transaction ended, and another writer waited for it. A bulk write's statement
     * (a multi-table UPDATE or DELETE) keeps the lock of a row it read at another version itself (measured on
     * 10.11), so only the winner it reports is checked for it.
     */
    @MariadbOnly
    void aWriteRefusedAtReadCommittedReportsTheLatestCommitAndASingleRowOneLeavesTheRowUnlocked(TestDatabase db)
            throws Exception {
        refusedAtLevelLeavesTheRowUnlocked(db, Connection.TRANSACTION_READ_COMMITTED);
    }

    /**
     * READ UNCOMMITTED locks as READ COMMITTED does, and a plain read sees the latest row there too: the same holds.
     * Before, the refused write read the winner with a locking read at this level, and held the row until the
     * caller's transaction ended (another writer timed out waiting for it).
     */
    @MariadbOnly
    void aWriteRefusedAtReadUncommittedLeavesTheRowUnlockedToo(TestDatabase db) throws Exception {
        refusedAtLevelLeavesTheRowUnlocked(db, Connection.TRANSACTION_READ_UNCOMMITTED);
    }

    private static void refusedAtLevelLeavesTheRowUnlocked(TestDatabase db, int level) throws Exception {
        for (Write write : Write.values()) {
            String t = Fixtures.productTable(db);
            VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement())
                    .table(t);
            db.execute("UPDATE " + t + " SET price = 11, version = 2 WHERE id = 1");
            try (Connection c = db.rawConnection()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(level);
                Row winner = refuse(products, c, write);
                assertThat(winner.version()).as(write.name()).isEqualTo(2);
                assertThat(winner.values()).as(write.name()).containsEntry("price", 11);
                if (write == Write.UPDATE_ALL || write == Write.DELETE_ALL) {
                    c.commit();
                    continue;
                }
                // The caller's transaction goes on: another writer must not wait for a row it did not write.
                try (Connection other = db.rawConnectionWithShortLockWaits(); Statement s = other.createStatement()) {
                    assertThat(s.executeUpdate("UPDATE " + t + " SET price = 12, version = 3 WHERE id = 1"))
                            .as(write + ": the refused row is not held by the caller's transaction").isEqualTo(1);
                } catch (SQLException e) {
                    throw new AssertionError(write + ": another writer waited for the refused row: " + e, e);
                }
                c.commit();
            }
            boolean bulk = write == Write.UPDATE_ALL || write == Write.DELETE_ALL;
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).as(write.name())
                    .isEqualTo(bulk ? 11 : 12);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).as(write.name())
                    .isEqualTo(bulk ? 2 : 3);
        }
    }

    /** At REPEATABLE READ the report is the latest commit too, not the caller's older snapshot of the row. */
    @MariadbOnly
    void aWriteRefusedAtRepeatableReadReportsTheLatestCommitNotTheSnapshot(TestDatabase db) throws Exception {
        for (Write write : Write.values()) {
            String t = Fixtures.productTable(db);
            VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement())
                    .table(t);
            try (Connection c = db.rawConnection()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(products.using(c).find(1).orElseThrow().version()).isEqualTo(1);
                db.execute("UPDATE " + t + " SET price = 11, version = 2 WHERE id = 1");
                Row winner = refuse(products, c, write);
                assertThat(winner.version()).as(write.name()).isEqualTo(2);
                assertThat(winner.values()).as(write.name()).containsEntry("price", 11);
                c.commit();
            }
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).as(write.name()).isEqualTo(11);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).as(write.name()).isEqualTo(2);
        }
    }
}
