package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attacks on the shape of the one bulk statement: the rows around a chunk boundary, stale and vanished rows there,
 * column names that collide with the statement's own aliases or are SQL words, and numbers beyond a double.
 */
class BulkShapeAttackTest {

    private static int chunk(TestDatabase db) {
        return Concurrency.builder(db.dataSource()).build().dialect().bulkStatements().maxRowsPerStatement();
    }

    /**
     * Rows on both sides of a chunk boundary are stale or deleted between read and write: exactly those are refused,
     * every other row of both chunks is saved.
     */
    @PostgresqlOnly
    void staleAndVanishedRowsAtAChunkBoundaryAreRefusedAndTheRestSaved(TestDatabase db) {
        int n = chunk(db) + 2;
        String t = BulkFixtures.itemTable(db, n);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        long last = n - 2;
        Set<Long> stale = Set.of(last - 1, last, last + 1);
        db.execute("UPDATE " + t + " SET price = -1, version = 9 WHERE id IN (" + (last - 1) + ", " + last + ", "
                + (last + 1) + ")", "DELETE FROM " + t + " WHERE id = " + (last + 2));
        List<RowChange> changes = BulkFixtures.priceChanges(n, 2);
        changes.add(RowChange.of(n + 10, 1L, Map.of("price", 1)));

        BulkResult r = items.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);

        assertThat(r.conflictKeys()).containsExactlyInAnyOrder(last - 1, last, last + 1, last + 2, (long) n + 10);
        assertThat(r.saved()).hasSize(n - 4);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = id * 2 AND version = 2"))
                .isEqualTo(n - 4);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE price = -1 AND version = 9")).isEqualTo(3);
        assertThat(BulkFixtures.count(db, t)).isEqualTo(n - 1);
        assertThat(stale).allSatisfy(id -> assertThat(r.conflictKeys()).contains(id));
    }

    private static String q(TestDatabase db, String name) {
        String q = db.name().equals("mariadb") ? "`" : "\"";
        return q + name.replace(q, q + q) + q;
    }

    /**
     * Columns named like the statement's aliases and parameters (k, e, n, i, t, v, c0, w0), an SQL word, a mixed-case
     * name with a blank and one holding a quote, tracked by the conditional strategy: each row holds what was written
     * and the version rose only where a tracked value changed.
     */
    @ServerDatabases
    void columnsNamedLikeTheStatementsAliasesOrSqlWordsAreJustColumns(TestDatabase db) {
        List<String> names = List.of("k", "e", "n", "i", "t", "v", "c0", "w0", "select", "Mixed Case", "we\"ird",
                "back`tick");
        StringBuilder columns = new StringBuilder("id BIGINT PRIMARY KEY");
        for (String name : names) {
            columns.append(", ").append(q(db, name)).append(" INT");
        }
        String t = db.createTable("aliases", columns + ", version BIGINT NOT NULL");
        for (int id = 1; id <= 4; id++) {
            StringBuilder insert = new StringBuilder("INSERT INTO " + t + " (id, version");
            StringBuilder values = new StringBuilder(") VALUES (" + id + ", 1");
            for (String name : names) {
                insert.append(", ").append(q(db, name));
                values.append(", 0");
            }
            db.execute(insert + values.toString() + ")");
        }
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.conditional())).build().table(t);
        List<RowChange> changes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Map<String, Object> values = new HashMap<>();
            for (int c = 0; c < names.size(); c++) {
                if ((c + id) % 2 == 0) {
                    values.put(names.get(c), id * 100 + c);
                }
            }
            changes.add(RowChange.of(id, 1L, values));
        }
        // Row 4 writes the values it already holds: no tracked change, no new version.
        changes.add(RowChange.of(4, 1L, Map.of("k", 0, "select", 0)));

        BulkResult r = rows.updateAll(changes, BulkPolicy.ABORT_ALL);

        assertThat(r.savedVersions()).containsEntry(1L, 2L).containsEntry(2L, 2L).containsEntry(3L, 2L)
                .containsEntry(4L, 1L);
        for (int id = 1; id <= 3; id++) {
            for (int c = 0; c < names.size(); c++) {
                long expected = (c + id) % 2 == 0 ? id * 100 + c : 0;
                assertThat(db.queryLong("SELECT " + q(db, names.get(c)) + " FROM " + t + " WHERE id = " + id))
                        .as("row %d column %s", id, names.get(c)).isEqualTo(expected);
            }
        }
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 4")).isEqualTo(1);
    }

    /** Decimals beyond a double's 17 digits, and at the column's scale edge, arrive exactly. */
    @ServerDatabases
    void decimalsBeyondADoublesPrecisionArriveExactly(TestDatabase db) {
        String t = db.createTable("decimals", "id BIGINT PRIMARY KEY, amount DECIMAL(38, 18), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, amount, version) VALUES (1, 0, 1), (2, 0, 1), (3, 0, 1), (4, 0, 1)");
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        List<BigDecimal> amounts = List.of(new BigDecimal("12345678901234567890.123456789012345678"),
                new BigDecimal("-0.000000000000000001"), new BigDecimal("1E+19"),
                new BigDecimal("99999999999999999999.999999999999999999"));
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < amounts.size(); i++) {
            changes.add(RowChange.of(i + 1, 1L, Map.of("amount", amounts.get(i))));
        }

        assertThat(rows.updateAll(changes, BulkPolicy.ABORT_ALL).saved()).hasSize(4);

        for (int i = 0; i < amounts.size(); i++) {
            BigDecimal stored = (BigDecimal) db.queryValue("SELECT amount FROM " + t + " WHERE id = " + (i + 1));
            assertThat(stored).as("row %d", i + 1).isEqualByComparingTo(amounts.get(i));
        }
    }

    /**
     * MariaDB compares keys without case and trailing blanks (its default collations): "abc", "ABC" and "abc " are
     * one row to it, three to Java. The one joined statement matches that row once; the row reported saved must be
     * the one whose value the table holds, the others refused.
     */
    @MariadbOnly
    void keysEqualOnlyUnderTheColumnsCollationReportTheValueTheTableHolds(TestDatabase db) {
        String t = db.createTable("cikey", "id VARCHAR(20) PRIMARY KEY, price INT, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, price, version) VALUES ('abc', 0, 1), ('other', 0, 1)");
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.key("id").version("version", VersionStrategy.autoIncrement())).build().table(t);
        List<String> keys = List.of("abc", "ABC", "abc ");
        for (int shift = 0; shift < keys.size(); shift++) {
            db.execute("UPDATE " + t + " SET price = 0, version = 1");
            List<RowChange> changes = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get((i + shift) % keys.size());
                changes.add(RowChange.of(key, 1L, Map.of("price", 10 + keys.indexOf(key))));
            }
            changes.add(RowChange.of("other", 1L, Map.of("price", 5)));

            BulkResult r = rows.updateAll(changes, BulkPolicy.SKIP_CONFLICTS);

            long price = db.queryLong("SELECT price FROM " + t + " WHERE id = 'abc'");
            List<Object> savedAbc = r.saved().stream().map(Identity::key).filter(k -> !"other".equals(k)).toList();
            assertThat(savedAbc).as("shift %d: %s", shift, r).hasSize(1);
            assertThat(price).as("shift %d: saved %s", shift, savedAbc).isEqualTo(10 + keys.indexOf(savedAbc.get(0)));
            assertThat(r.conflicts()).hasSize(2);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 'abc'")).isEqualTo(2);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 'other'")).isEqualTo(5);
        }
    }

    /**
     * Spring-style: in one transaction the caller updates a row, then bulk-updates it with the version its own write
     * gave, together with other rows; then it deletes in bulk what it just wrote. Its own uncommitted writes are the
     * current rows for the bulk calls, and everything reported saved is in the table after the commit.
     */
    @ServerDatabases
    void aBulkWriteInTheCallersTransactionBuildsOnTheCallersOwnWrites(TestDatabase db) throws Exception {
        String t = BulkFixtures.itemTable(db, 10);
        VersionedTable items = BulkFixtures.table(db.dataSource(), t, VersionStrategy.autoIncrement());
        try (Connection caller = db.rawConnection()) {
            caller.setAutoCommit(false);
            VersionedTable mine = items.using(caller);
            long v5 = mine.update(5, 1L, Map.of("price", 50));
            BulkResult r = mine.updateAll(List.of(RowChange.of(5, v5, Map.of("price", 51)),
                    RowChange.of(6, 1L, Map.of("price", 60)), RowChange.of(7, 9L, Map.of("price", 70))),
                    BulkPolicy.SKIP_CONFLICTS);
            assertThat(r.savedVersions()).containsOnly(Map.entry(5L, 3L), Map.entry(6L, 2L));
            assertThat(r.conflictKeys()).containsExactly(7L);
            BulkResult d = mine.deleteAll(List.of(Identity.of(6, 2L), Identity.of(8, 1L), Identity.of(9, 2L)),
                    BulkPolicy.SKIP_CONFLICTS);
            assertThat(d.saved()).extracting(Identity::key).containsExactlyInAnyOrder(6L, 8L);
            assertThat(d.conflictKeys()).containsExactly(9L);
            caller.commit();
        }
        assertThat(BulkFixtures.price(db, t, 5)).isEqualTo(51);
        assertThat(BulkFixtures.version(db, t, 5)).isEqualTo(3);
        assertThat(BulkFixtures.price(db, t, 7)).isEqualTo(7);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE id IN (6, 8)")).isZero();
        assertThat(BulkFixtures.count(db, t)).isEqualTo(8);
    }
}
