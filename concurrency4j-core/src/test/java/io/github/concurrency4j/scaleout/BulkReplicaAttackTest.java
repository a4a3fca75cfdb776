package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bulk writes on an engine with {@code readReplica(standby)} while the standby is behind (WAL replay paused): the
 * writes and the reads that decide conflicts go to the primary, conflicts carry the primary's rows, and this
 * engine's own bulk writes are never read back older than written.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BulkReplicaAttackTest extends OnPrimaryAndStandby {
    BulkReplicaAttackTest() {
        super("bulkreplica");
    }

    @Test
    void bulkWritesDecideOnThePrimaryAndAreReadBackAsWritten() throws Exception {
        String t = counterTable(5);
        Concurrency concurrency = Concurrency.builder(pg.node(PRIMARY)).readReplica(pg.node(STANDBY)).table(t)
                .build();
        VersionedTable table = concurrency.table(t);
        replay(false);
        pg.execute(PRIMARY, "UPDATE " + t + " SET hits = 10, version = 5 WHERE id IN (2, 4)");

        List<RowChange> changes = new ArrayList<>();
        for (long id = 1; id <= 5; id++) {
            changes.add(RowChange.of(id, 1L, Map.of("hits", 1)));
        }
        BulkResult result = table.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);

        assertThat(result.conflictKeys()).containsExactlyInAnyOrder(2L, 4L);
        for (RecordModifiedException e : result.conflicts()) {
            assertThat(e.currentVersion()).as("the conflict carries the primary's row").hasValue(5);
        }
        assertThat(result.savedVersions()).containsOnlyKeys(1L, 3L, 5L).containsValue(2L);
        assertThat(pg.queryLong(PRIMARY, "SELECT COUNT(*) FROM " + t + " WHERE hits = 1 AND version = 2"))
                .isEqualTo(3);
        assertThat(pg.queryLong(PRIMARY, "SELECT COUNT(*) FROM " + t + " WHERE hits = 10 AND version = 5"))
                .isEqualTo(2);
        // Read back on the same engine: its own bulk writes, not the paused standby's rows.
        assertThat(table.find(3L).orElseThrow().version()).isEqualTo(2);

        BulkResult deleted = table.deleteAll(List.of(Identity.of(1L, 2L), Identity.of(2L, 1L)),
                BulkPolicy.SKIP_CONFLICTS);
        assertThat(deleted.saved()).extracting(Identity::key).containsExactly(1L);
        assertThat(deleted.conflicts()).singleElement()
                .satisfies(e -> assertThat(e.currentVersion()).hasValue(5));
        assertThat(table.find(1L)).as("a row this engine deleted in bulk").isEmpty();
        assertThat(pg.queryLong(PRIMARY, "SELECT COUNT(*) FROM " + t)).isEqualTo(4);

        // A retried read-modify-write whose first read came from the lagging standby wins on its second attempt.
        AtomicInteger attempts = new AtomicInteger();
        concurrency.retry(RetryPolicy.ofDefaults(), () -> {
            attempts.incrementAndGet();
            Row row = table.find(4L).orElseThrow();
            // A BulkConflictException here is what the retry retries.
            table.updateAll(List.of(RowChange.of(row, Map.of("hits", hits(row) + 1))), BulkPolicy.ABORT_ALL);
        });
        assertThat(attempts.get()).isLessThanOrEqualTo(2);
        assertThat(pg.queryLong(PRIMARY, "SELECT hits FROM " + t + " WHERE id = 4")).isEqualTo(11);
    }
}
