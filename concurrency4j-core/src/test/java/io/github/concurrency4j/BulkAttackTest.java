package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/**
 * Attacks on the one-statement bulk forms (issue 14): inputs a user may hand over that the one statement could get
 * wrong where a batch of single updates gets them right. Every case checks both directions of the promise: what was
 * reported saved is in the table, what was refused is not.
 */
class BulkAttackTest {

    /**
     * Two keys that Java tells apart but the key column does not (numeric 1 and 1.0): the one statement joins both
     * to the same row and PostgreSQL applies one of them, unpredictably which. The one reported saved must be the one
     * in the table, the other refused.
     */
    @PostgresqlOnly
    void twoKeysNamingTheSameRowReportTheValueTheTableHolds(TestDatabase db) {
        for (boolean tenFirst : new boolean[] {true, false}) {
            String t = db.createTable("numkey", "id NUMERIC PRIMARY KEY, price INT, version BIGINT NOT NULL");
            db.execute("INSERT INTO " + t + " (id, price, version) VALUES (1, 0, 1)");
            VersionedTable items = Concurrency.builder(db.dataSource())
                    .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
            RowChange ten = RowChange.of(new BigDecimal("1"), 1L, Map.of("price", 10));
            RowChange twenty = RowChange.of(new BigDecimal("1.0"), 1L, Map.of("price", 20));
            BulkResult r = items.updateAll(tenFirst ? List.of(ten, twenty) : List.of(twenty, ten),
                    BulkPolicy.SKIP_CONFLICTS);

            long price = db.queryLong("SELECT price FROM " + t);
            assertThat(r.saved()).as("order %s: %s", tenFirst, r).hasSize(1);
            BigDecimal savedKey = (BigDecimal) r.saved().get(0).key();
            assertThat(price).as("order %s: saved %s", tenFirst, savedKey)
                    .isEqualTo(savedKey.scale() == 0 ? 10 : 20);
            assertThat(r.conflicts()).hasSize(1);
            assertThat(db.queryLong("SELECT version FROM " + t)).isEqualTo(2);
        }
    }

    /** A whole number written as 2.0 into an integer column: a single update stores 2, so must the bulk one. */
    @ServerDatabases
    void aDecimalWithAZeroFractionIntoAnIntegerColumnIsStoredAsASingleUpdateStoresIt(TestDatabase db) {
        String t = BulkFixtures.itemTable(db, 3);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        items.update(1, 1L, Map.of("price", new BigDecimal("2.0")));
        assertThat(BulkFixtures.price(db, t, 1)).isEqualTo(2);

        BulkResult r = items.updateAll(List.of(RowChange.of(2, 1L, Map.of("price", new BigDecimal("7.0"))),
                RowChange.of(3, 1L, Map.of("price", new BigDecimal("8")))), BulkPolicy.ABORT_ALL);

        assertThat(r.saved()).hasSize(2);
        assertThat(BulkFixtures.price(db, t, 2)).isEqualTo(7);
        assertThat(BulkFixtures.price(db, t, 3)).isEqualTo(8);
    }

    /**
     * A java.sql.Timestamp in the hour a DST change repeats (Europe/Berlin, 2026-10-25 02:30 happens twice) into a
     * timestamptz column: the bulk write must store the same instant as a single update.
     */
    @PostgresqlOnly
    void aTimestampInTheRepeatedHourOfADstChangeKeepsItsInstant(TestDatabase db) throws Exception {
        String t = db.createTable("tstz", "id BIGINT PRIMARY KEY, at TIMESTAMPTZ, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, at, version) VALUES (1, NULL, 1), (2, NULL, 1), (3, NULL, 1)");
        TimeZone before = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try {
            VersionedTable rows = Concurrency.builder(db.dataSource())
                    .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
            // 00:30 UTC is 02:30 CEST (+02:00), 01:30 UTC is 02:30 CET (+01:00): the same wall-clock time twice.
            Timestamp first = Timestamp.from(Instant.parse("2026-10-25T00:30:00Z"));
            Timestamp second = Timestamp.from(Instant.parse("2026-10-25T01:30:00Z"));
            rows.updateAll(List.of(RowChange.of(1, 1L, Map.of("at", first)),
                    RowChange.of(2, 1L, Map.of("at", second))), BulkPolicy.ABORT_ALL);
            rows.update(3, 1L, Map.of("at", second));

            Map<Long, Instant> stored = new HashMap<>();
            try (Connection c = db.rawConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, extract(epoch FROM at)::bigint FROM " + t)) {
                while (rs.next()) {
                    stored.put(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)));
                }
            }
            assertThat(stored.get(3L)).as("single update").isEqualTo(second.toInstant());
            assertThat(stored.get(1L)).as("bulk, first 02:30").isEqualTo(first.toInstant());
            assertThat(stored.get(2L)).as("bulk, second 02:30").isEqualTo(second.toInstant());
        } finally {
            TimeZone.setDefault(before);
        }
    }

    /**
     * Text that an array literal would have to quote (quotes, backslashes, braces, commas, the word NULL, blanks),
     * unicode beyond the BMP, and a long value: each row holds exactly what was written, as a single update holds it.
     */
    @ServerDatabases
    void hostileTextIsStoredExactly(TestDatabase db) {
        List<String> hostile = new ArrayList<>(List.of("", " ", "NULL", "null", "\"", "'", "\\", "\\\"", "{a,b}",
                "{", "}", ",", "a,b", "\"NULL\"", "x\ty\nz", "😀 emoji \uD83D\uDE00", "é ß 中文", "\\N",
                "ARRAY['x']", "'); DROP TABLE x; --", "$1", "?", "\u00a0"));
        hostile.add("long ".repeat(2_000));
        String t = db.createTable("hostile", "id BIGINT PRIMARY KEY, note TEXT, version BIGINT NOT NULL");
        for (int i = 1; i <= hostile.size() + 1; i++) {
            db.execute("INSERT INTO " + t + " (id, note, version) VALUES (" + i + ", 'x', 1)");
        }
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            changes.add(RowChange.of(i + 1, 1L, Map.of("note", hostile.get(i))));
        }
        Map<String, Object> toNull = new HashMap<>();
        toNull.put("note", null);
        changes.add(RowChange.of(hostile.size() + 1, 1L, toNull));

        assertThat(rows.updateAll(changes, BulkPolicy.ABORT_ALL).saved()).hasSize(hostile.size() + 1);

        for (int i = 0; i < hostile.size(); i++) {
            assertThat(db.queryValue("SELECT note FROM " + t + " WHERE id = " + (i + 1))).as("row %d", i + 1)
                    .isEqualTo(hostile.get(i));
        }
        assertThat(db.queryValue("SELECT note FROM " + t + " WHERE id = " + (hostile.size() + 1))).isNull();
    }

    /**
     * One row of 1,000 breaks a CHECK constraint: the call fails saying so, nothing of it is in the table, and the
     * same call without that row then saves every row.
     */
    @ServerDatabases
    void aConstraintBrokenByOneRowOfAThousandLeavesTheTableAsItWas(TestDatabase db) throws Exception {
        String t = db.createTable("checked", "id BIGINT PRIMARY KEY, price INT CHECK (price >= 0), "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, price, version) SELECT x, 1, 1 FROM "
                + (db.name().equals("postgresql") ? "generate_series(1, 1000) AS g(x)"
                        : "(SELECT seq AS x FROM seq_1_to_1000) AS g"));
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        List<RowChange> changes = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            changes.add(RowChange.of(i, 1L, Map.of("price", i == 777 ? -1 : 2)));
        }
        assertThatThrownBy(() -> rows.updateAll(changes, BulkPolicy.ABORT_ALL))
                .isInstanceOf(StatementFailedException.class).hasMessageContaining("nothing was saved");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = 1 AND version = 1")).isEqualTo(1_000);
        // In the caller's transaction: the call is undone alone, the caller's own write before it survives.
        try (Connection caller = db.rawConnection()) {
            caller.setAutoCommit(false);
            try (Statement s = caller.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET price = 5 WHERE id = 1000");
            }
            assertThatThrownBy(() -> rows.using(caller).updateAll(changes, BulkPolicy.ABORT_ALL))
                    .isInstanceOf(StatementFailedException.class)
                    .hasMessageContaining("the caller's transaction is still open");
            caller.commit();
        }
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = 1 AND version = 1")).isEqualTo(999);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1000")).isEqualTo(5);
        changes.set(999, RowChange.of(1000, 1L, Map.of("price", 2)));
        changes.set(776, RowChange.of(777, 1L, Map.of("price", 3)));
        assertThat(rows.updateAll(changes, BulkPolicy.ABORT_ALL).saved()).hasSize(1_000);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price >= 2 AND version = 2")).isEqualTo(1_000);
    }
}
