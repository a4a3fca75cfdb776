package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An engine built with {@code readReplica} whose replica is down (nothing listens where it points, as after the
 * standby's host went away): the engine still builds, every read is answered by the primary and counted as a
 * fallback, and writes, conflicts and the read-your-writes floor work as with a live replica.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaDownTest extends OnPrimaryAndStandby {
    ReplicaDownTest() {
        super("replicadown");
    }

    @Test
    void readsGoToThePrimaryWhenTheReplicaIsDownAndWritesLoseNothing() throws Exception {
        String t = counterTable(2);
        PGSimpleDataSource down = new PGSimpleDataSource();
        down.setUrl("jdbc:postgresql://127.0.0.1:1/concurrency4j_test");
        down.setUser("postgres");
        down.setConnectTimeout(2);
        AtomicInteger fallbacks = new AtomicInteger();
        Concurrency concurrency = Concurrency.builder(pg.node(PRIMARY)).readReplica(down).table(t)
                .listener(new ConcurrencyListener() {
                    @Override
                    public void replicaFallback(String table) {
                        fallbacks.incrementAndGet();
                    }
                }).build();
        VersionedTable table = concurrency.table(t);
        pg.execute(PRIMARY, "UPDATE " + t + " SET hits = 10, version = 4 WHERE id = 2");

        Row row = table.find(2L).orElseThrow();
        assertThat(row.version()).as("the primary's row").isEqualTo(4);
        assertThat(fallbacks).as("reads the primary answered").hasValue(1);
        long v = table.update(2L, row.version(), Map.of("hits", 11));
        assertThat(table.find(2L).orElseThrow().version()).isEqualTo(v);
        assertThat(table.findAtLeast(1L, 1L)).isPresent();
        assertThat(pg.queryLong(PRIMARY, "SELECT hits FROM " + t + " WHERE id = 2")).isEqualTo(11);
    }
}
