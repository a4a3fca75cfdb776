package io.github.concurrency4j.scaleout;

import io.github.concurrency4j.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the suites on the PostgreSQL primary + hot standby of {@code scripts/pg-standby} share: the topology for each
 * test, counter tables that the standby has received before the test goes on, pausing WAL replay on the standby
 * (which makes its lag certain instead of a matter of timing), and after each test replay resumed and the test's
 * tables dropped.
 */
abstract class OnPrimaryAndStandby {
    static final int PRIMARY = 0;
    static final int STANDBY = 1;

    private final String tablePrefix;
    Topology pg;

    OnPrimaryAndStandby(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    @BeforeEach
    void topology() {
        pg = Topology.postgresStandby();
    }

    @AfterEach
    void cleanUp() throws SQLException {
        if (pg != null) {
            replay(true);
            pg.dropCreatedTables();
        }
    }

    /** Resumes ({@code true}) or pauses ({@code false}) WAL replay on the standby. */
    void replay(boolean on) throws SQLException {
        try (Connection c = pg.raw(STANDBY); Statement s = c.createStatement()) {
            s.execute(on ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()");
        }
    }

    /** A new table of {@code rows} counters at 0 hits and version 1, once the standby has all of them. */
    String counterTable(int rows) throws InterruptedException {
        String t = pg.createTable(tablePrefix, "id BIGINT PRIMARY KEY, hits BIGINT NOT NULL, version BIGINT NOT NULL");
        pg.insertCounters(t, rows);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                if (pg.queryLong(STANDBY, "SELECT COUNT(*) FROM " + t) == rows) {
                    return t;
                }
            } catch (IllegalStateException notYet) {
                // The table itself has not arrived yet.
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the standby did not receive " + t + " within 20 s");
    }

    static long hits(Row row) {
        return ((Number) row.get("hits")).longValue();
    }
}
