package io.github.concurrency4j.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.VersionedTable;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reads that decide or explain a conflict on a Galera node, right after another node saved the row: a node
 * applies other nodes' commits asynchronously, so at the session's default {@code wsrep_sync_wait = 0} a plain read
 * there can still show the row as it was before a save the cluster has acknowledged. {@code check},
 * {@code checkAndLock} and {@code isChanged} must not call such a row current, and a refused write must carry the
 * version the cluster has, or the user's retry with it fails again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GaleraCausalChecksTest {
    private static final int ROUNDS = 150;

    private Topology galera;
    private VersionedTable onNode0;
    private VersionedTable onNode1;
    private String t;

    @BeforeEach
    void cluster() {
        galera = Topology.galera();
        t = galera.createTable("galeracausal", "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, version BIGINT NOT NULL");
        galera.insertCounters(t, 1);
        for (int node = 0; node < 3; node++) {
            galera.execute(node, "SET SESSION wsrep_sync_wait = 1", "SELECT COUNT(*) FROM " + t);
        }
        onNode0 = Concurrency.builder(galera.node(0)).table(t).build().table(t);
        onNode1 = Concurrency.builder(galera.node(1)).table(t).build().table(t);
    }

    @AfterEach
    void dropTables() {
        galera.dropCreatedTables();
    }

    @Test
    void checkAndIsChangedNeverCallARowCurrentThatAnotherNodeHasSaved() throws Exception {
        long v = 1;
        int checkPassed = 0;
        int lockedCheckPassed = 0;
        int reportedUnchanged = 0;
        for (int i = 0; i < ROUNDS; i++) {
            long before = v;
            v = onNode1.update(1L, v, Map.of("hits", i));
            try {
                onNode0.check(1L, before);
                checkPassed++;
            } catch (RecordModifiedException expected) {
                // The save on node 1 is seen.
            }
            before = v;
            v = onNode1.update(1L, v, Map.of("hits", i));
            try (Connection c = galera.node(0).getConnection()) {
                c.setAutoCommit(false);
                try {
                    onNode0.using(c).checkAndLock(1L, before);
                    lockedCheckPassed++;
                } catch (RecordModifiedException expected) {
                    // The save on node 1 is seen.
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
            before = v;
            v = onNode1.update(1L, v, Map.of("hits", i));
            if (!onNode0.isChanged(1L, before)) {
                reportedUnchanged++;
            }
        }
        assertThat("check passed " + checkPassed + ", checkAndLock passed " + lockedCheckPassed
                + ", isChanged false " + reportedUnchanged)
                .as("of %d rounds each, right after node 1 saved the row", ROUNDS)
                .isEqualTo("check passed 0, checkAndLock passed 0, isChanged false 0");
    }

    @Test
    void aRefusedWriteCarriesTheVersionTheClusterHas() {
        long v = 1;
        List<String> stale = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < ROUNDS; i++) {
            v = onNode1.update(1L, v, Map.of("hits", i));
            v = onNode1.update(1L, v, Map.of("hits", i));
            try {
                onNode0.update(1L, v - 2, Map.of("hits", -1));
            } catch (RecordModifiedException e) {
                refused++;
                if (e.currentVersion().orElse(-1) != v) {
                    stale.add("at " + v + " reported " + e.currentVersion().orElse(-1));
                }
            }
        }
        assertThat(refused).as("stale writes refused").isEqualTo(ROUNDS);
        assertThat(stale).as("conflicts carrying a version the cluster had left behind").isEmpty();
        assertThat(galera.queryLong(1, "SELECT hits FROM " + t + " WHERE id = 1")).isNotNegative();
    }
}
