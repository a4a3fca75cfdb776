package io.github.concurrency4j;

import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * Two keys of one bulk call that differ only in case, or in trailing blanks, name the same row where the key's
 * collation ignores case and pads with blanks (MariaDB's defaults): whatever the call answers, what it reports saved
 * must be in the table and what it reports refused must not.
 */
class CaseInsensitiveKeyPairTest {

    @MariadbOnly
    void twoSpellingsOfOneKeyInOneBulkCallNeverReportMoreThanTheTableHolds(TestDatabase db) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (String[] pair : List.of(new String[] {"a", "A"}, new String[] {"b", "b "})) {
            for (BulkPolicy policy : BulkPolicy.values()) {
                for (boolean doubles : new boolean[] {false, true}) {
                    String t = db.createTable("cikey", "id VARCHAR(20) PRIMARY KEY, price DOUBLE, version BIGINT NOT NULL");
                    db.execute("INSERT INTO " + t + " (id, price, version) VALUES ('" + pair[0] + "', 1, 1)");
                    VersionedTable table = Concurrency.builder(db.dataSource()).table(t).build().table(t);
                    Object p1 = doubles ? (Object) 2.5 : (Object) 2;
                    Object p2 = doubles ? (Object) 3.5 : (Object) 3;
                    String what = "'" + pair[0] + "' and '" + pair[1] + "' " + policy + (doubles ? " doubles" : "");
                    String outcome;
                    try {
                        BulkResult r = table.updateAll(List.of(RowChange.of(pair[0], 1L, Map.of("price", p1)),
                                RowChange.of(pair[1], 1L, Map.of("price", p2))), policy);
                        outcome = "saved " + r.saved() + ", refused " + r.conflictKeys();
                        String stored = row(db, t);
                        if (r.saved().size() > 1) {
                            soft.fail(what + ": " + outcome + " but the table holds one row: " + stored);
                        }
                        System.out.println("[ci pair] " + what + ": " + outcome + "; table " + stored);
                    } catch (RuntimeException e) {
                        System.out.println("[ci pair] " + what + ": threw " + e + "; table " + row(db, t));
                    }
                }
            }
        }
        soft.assertAll();
    }

    private static String row(TestDatabase db, String t) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, price, version FROM " + t)) {
            while (rs.next()) {
                rows.add("'" + rs.getString(1) + "' " + rs.getDouble(2) + " v" + rs.getLong(3));
            }
        }
        return rows.toString();
    }
}
