package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Bytes through the bulk forms: NULL, empty, every byte value, a megabyte; each row holds exactly what was written. */
class BulkByteaAttackTest {
    @ServerDatabases
    void bytesIncludingNullEmptyAndEveryByteValueArriveExactly(TestDatabase db) throws Exception {
        String type = db.name().equals("postgresql") ? "BYTEA" : "LONGBLOB";
        String t = db.createTable("bytes", "id BIGINT PRIMARY KEY, data " + type + ", version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, data, version) VALUES (1, NULL, 1), (2, NULL, 1), (3, NULL, 1), "
                + "(4, NULL, 1)");
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        byte[] big = new byte[1 << 20];
        new java.util.Random(1).nextBytes(big);
        List<byte[]> values = new ArrayList<>();
        values.add(null);
        values.add(new byte[0]);
        values.add(every);
        values.add(big);
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        db.execute("UPDATE " + t + " SET data = " + (db.name().equals("postgresql") ? "'\\x01'::bytea" : "X'01'")
                + " WHERE id = 1");
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Map<String, Object> m = new HashMap<>();
            m.put("data", values.get(i));
            changes.add(RowChange.of(i + 1, 1L, m));
        }
        assertThat(rows.updateAll(changes, BulkPolicy.ABORT_ALL).saved()).hasSize(4);
        try (Connection c = db.rawConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, data FROM " + t + " ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            int i = 0;
            while (rs.next()) {
                assertThat(rs.getBytes(2)).as("row %d", i + 1).isEqualTo(values.get(i));
                i++;
            }
            assertThat(i).isEqualTo(4);
        }
    }
}
