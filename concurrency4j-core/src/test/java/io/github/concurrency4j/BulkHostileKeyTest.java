package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text keys an array literal or a VALUES list could mangle (NULL as a word, quotes, braces, commas, backslashes,
 * blanks, emoji): every row named is updated and deleted by its own key, and only it.
 */
class BulkHostileKeyTest {
    @ServerDatabases
    void hostileTextKeysNameTheirOwnRows(TestDatabase db) throws Exception {
        List<String> keys = List.of("NULL", "null", "\"", "'", "\\", "{a,b}", "{", "}", ",", "a b", "(1,2)",
                "😀", "x\ty", "ARRAY[1]", "\\N");
        String t = db.createTable("hkeys", "id VARCHAR(40) " + (db.name().equals("mariadb")
                ? "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin " : "")
                + "PRIMARY KEY, price INT, version BIGINT NOT NULL");
        try (Connection c = db.rawConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + t
                     + " (id, price, version) VALUES (?, 0, 1)")) {
            for (String k : keys) {
                ps.setString(1, k);
                ps.executeUpdate();
            }
            ps.setString(1, "bystander");
            ps.executeUpdate();
        }
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            changes.add(RowChange.of(keys.get(i), 1L, Map.of("price", i + 1)));
        }
        BulkResult r = rows.updateAll(changes, BulkPolicy.ABORT_ALL);
        assertThat(r.saved()).hasSize(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            try (Connection c = db.rawConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT price FROM " + t + " WHERE id = ?")) {
                ps.setString(1, keys.get(i));
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).as("key %s", keys.get(i)).isEqualTo(i + 1);
                }
            }
        }
        List<Identity> doomed = new ArrayList<>();
        for (String k : keys) {
            doomed.add(Identity.of(k, 2L));
        }
        assertThat(rows.deleteAll(doomed, BulkPolicy.ABORT_ALL).saved()).hasSize(keys.size());
        assertThat(BulkFixtures.count(db, t)).isEqualTo(1);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 'bystander'")).isZero();
    }
}
