package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How PostgreSQL runs the one-statement bulk form on a large table. When the planner can see the arrays (the first
 * executions of a statement, before a generic plan is cached), it knows the chunk holds thousands of rows, and from
 * a few thousand up it prefers reading the whole table into a hash join over one index lookup per row: measured on
 * PostgreSQL 15, a chunk of 5,000 rows of a 100,000-row table took 50 ms that way, about 12 ms by index. The
 * statement therefore hands its arrays to {@code unnest} behind sub-selects, whose values the planner cannot count,
 * so every plan fetches the chunk's rows by the key's index, whatever the table's size.
 *
 * <p>Measured here from the transaction's own counters ({@code pg_stat_xact_user_tables}), read on the connection
 * that ran the write: no sequential scan of the table, and every row found by index.
 */
class BulkPlanTest {

    private static final int TABLE_ROWS = 100_000;

    @PostgresqlOnly
    void aFullChunkOfALargeTableIsFetchedByIndexNotByScanningTheTable(TestDatabase db) throws SQLException {
        String t = db.createTable("big", "id BIGINT PRIMARY KEY, name VARCHAR(50), price INT, stock INT, "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, price, stock, version) SELECT g, 'item ' || g, g, 0, 1"
                + " FROM generate_series(1, " + TABLE_ROWS + ") AS g", "ANALYZE " + t);
        int chunk = Concurrency.builder(db.dataSource()).build().dialect().bulkStatements().maxRowsPerStatement();
        // Spread over the table, so that no range of it holds the chunk.
        List<RowChange> changes = new ArrayList<>(chunk);
        List<Identity> deletes = new ArrayList<>(chunk);
        int step = TABLE_ROWS / chunk;
        for (int i = 0; i < chunk; i++) {
            long id = 1L + (long) i * step;
            changes.add(RowChange.of(id, 1L, Map.of("price", -1)));
            deletes.add(new Identity(id + 1, 1L));
        }

        try (Connection c = db.rawConnection()) {
            c.setAutoCommit(false);
            VersionedTable items = Concurrency.builder(ConnectionSource.of(c))
                    .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement()))
                    .build()
                    .table(t);
            long[] before = scans(c, t);

            BulkResult updated = items.updateAll(changes, BulkPolicy.ABORT_ALL);
            long[] afterUpdate = scans(c, t);
            BulkResult deleted = items.deleteAll(deletes, BulkPolicy.ABORT_ALL);
            long[] afterDelete = scans(c, t);
            c.commit();

            assertThat(afterUpdate[0] - before[0]).as("sequential scans of the %d-row table by updateAll of %d rows",
                    TABLE_ROWS, chunk).isZero();
            assertThat(afterUpdate[1] - before[1]).as("rows updateAll fetched by index").isEqualTo(chunk);
            assertThat(afterDelete[0] - afterUpdate[0]).as("sequential scans by deleteAll of %d rows", chunk).isZero();
            assertThat(afterDelete[1] - afterUpdate[1]).as("rows deleteAll fetched by index").isEqualTo(chunk);
            assertThat(updated.saved()).hasSize(chunk);
            assertThat(deleted.saved()).hasSize(chunk);
        }
        // What was reported is in the table, and nothing else changed.
        assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE price = -1 AND version = 2")).isEqualTo(chunk);
        assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE version <> 1")).isEqualTo(chunk);
        assertThat(db.queryLong("SELECT count(*) FROM " + t)).isEqualTo(TABLE_ROWS - chunk);
    }

    /** This transaction's sequential scans of the table, and the rows its index scans fetched. */
    private static long[] scans(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq_scan, idx_tup_fetch FROM pg_stat_xact_user_tables"
                + " WHERE relid = to_regclass(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }
}
