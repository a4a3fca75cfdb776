package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Writes in a transaction of the caller's ({@code table.using(connection)} on the primary) on an engine built with
 * {@code readReplica(standby)}, the standby paused: inside the transaction every read is the primary's, and once the
 * caller has committed, this engine's reads never show the rows older than the transaction left them. Otherwise the
 * user who saved in a transaction opens the row again, gets the standby's older version, and has the next save
 * refused over their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaCallersTransactionTest extends OnPrimaryAndStandby {
    ReplicaCallersTransactionTest() {
        super("replicatx");
    }

    @Test
    void rowsSavedInACallersTransactionAreNotReadBackOlderAfterItsCommit() throws Exception {
        String t = counterTable(4);
        Concurrency concurrency = Concurrency.builder(pg.node(PRIMARY)).readReplica(pg.node(STANDBY)).table(t).build();
        VersionedTable table = concurrency.table(t);
        replay(false);

        long single;
        Identity inserted;
        try (Connection c = pg.raw(PRIMARY)) {
            c.setAutoCommit(false);
            VersionedTable inTx = table.using(c);
            single = inTx.update(1L, 1L, Map.of("hits", 1));
            inTx.updateAll(List.of(RowChange.of(2L, 1L, Map.of("hits", 2))), BulkPolicy.ABORT_ALL);
            inTx.delete(3L, 1L);
            inserted = inTx.insert(Map.of("id", 5L, "hits", 5L));
            assertThat(inTx.find(1L).orElseThrow().version()).as("inside the transaction: its own write").isEqualTo(2);
            c.commit();
        }

        String seen = "row 1 at " + table.find(1L).map(Row::version).orElse(null)
                + ", row 2 at " + table.find(2L).map(Row::version).orElse(null)
                + ", row 3 " + (table.find(3L).isPresent() ? "present" : "gone")
                + ", row 5 " + (table.find(5L).isPresent() ? "present" : "absent");
        assertThat(seen).as("after the caller's commit, read through the engine (the standby is paused)")
                .isEqualTo("row 1 at " + single + ", row 2 at 2, row 3 gone, row 5 present");
        // The user opens row 1 again and saves: never refused over their own save.
        Row again = table.find(1L).orElseThrow();
        assertThat(table.update(1L, again.version(), Map.of("hits", 11))).isEqualTo(3);
        assertThat(inserted.version()).isEqualTo(1);
        assertThat(pg.queryLong(PRIMARY, "SELECT hits FROM " + t + " WHERE id = 1")).isEqualTo(11);
    }
}
