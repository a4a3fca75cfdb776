package io.github.concurrency4j;

import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Tables for the bulk tests: {@code n} rows with keys 1..n, price = key, stock 5, version 1. */
final class BulkFixtures {

    /**
     * The write a bulk statement runs, without what PostgreSQL's form wraps around it: {@code WITH c4j_written AS
     * (UPDATE ...) SELECT count(i), ...} (and the CTE that sets the lock timeout in a caller's transaction) hand back
     * a count instead of a row per row.
     */
    static String write(String sql) {
        int at = sql.startsWith("WITH ") ? sql.indexOf("c4j_written AS (") : -1;
        return at < 0 ? sql : sql.substring(at + "c4j_written AS (".length());
    }

    private BulkFixtures() {
    }

    static String itemTable(TestDatabase db, int rows) {
        String t = db.createTable("item", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(50), price INT, "
                + "stock INT, version BIGINT NOT NULL");
        insertRows(db.dataSource(), t, rows);
        return t;
    }

    /** Inserts rows 1..n in one batch and one transaction: 10,000 rows take well under a second. */
    static void insertRows(DataSource ds, String table, int rows) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (id, name, price, stock, version) VALUES (?, ?, ?, 5, 1)")) {
                for (int i = 1; i <= rows; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, "item " + i);
                    ps.setInt(3, i);
                    ps.addBatch();
                    if (i % 5_000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not seed " + table + ": " + e.getMessage(), e);
        }
    }

    static VersionedTable table(DataSource ds, String t, VersionStrategy strategy) {
        return Concurrency.builder(ds).table(t, d -> d.key("id").version("version", strategy)).build().table(t);
    }

    /** Every row's price change, based on version 1: the grid as the user saw it. */
    static List<RowChange> priceChanges(int rows, int factor) {
        List<RowChange> changes = new ArrayList<>(rows);
        for (int i = 1; i <= rows; i++) {
            changes.add(RowChange.of(i, 1L, Map.of("price", i * factor)));
        }
        return changes;
    }

    static long price(TestDatabase db, String t, long id) {
        return db.queryLong("SELECT price FROM " + t + " WHERE id = " + id);
    }

    static long version(TestDatabase db, String t, long id) {
        return db.queryLong("SELECT version FROM " + t + " WHERE id = " + id);
    }

    /** Every row as id -> {price, version}, read in one query. */
    static Map<Long, List<Long>> snapshot(TestDatabase db, String t) {
        Map<Long, List<Long>> rows = new java.util.TreeMap<>();
        try (Connection c = db.dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT id, price, version FROM " + t)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), List.of(rs.getLong(2), rs.getLong(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /**
     * Asserts the grid of rows 1..n after a SKIP_CONFLICTS save at factor 10: current rows hold price id * 10, the
     * stale ones what the other writer left, and every row is at the given version.
     */
    static void assertGridSaved(TestDatabase db, String t, int rows, List<Long> stale,
                                java.util.function.LongUnaryOperator stalePrice, long version) {
        Map<Long, List<Long>> stored = snapshot(db, t);
        for (long id = 1; id <= rows; id++) {
            org.assertj.core.api.Assertions.assertThat(stored.get(id)).as("row %d", id)
                    .containsExactly(stale.contains(id) ? stalePrice.applyAsLong(id) : id * 10, version);
        }
    }

    static long count(TestDatabase db, String t) {
        return db.queryLong("SELECT COUNT(*) FROM " + t);
    }

    /**
     * Price and version of these rows, read on the caller's connection (inside its transaction, at its level), as
     * a storm's client shows them before it writes.
     */
    static Map<Long, long[]> priceAndVersion(Connection c, String t, List<Long> ids) throws SQLException {
        Map<Long, long[]> rows = new HashMap<>();
        StringBuilder in = new StringBuilder();
        for (Long id : ids) {
            in.append(in.length() == 0 ? "" : ",").append(id);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id, price, version FROM " + t + " WHERE id IN ("
                + in + ")"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return rows;
    }
}
