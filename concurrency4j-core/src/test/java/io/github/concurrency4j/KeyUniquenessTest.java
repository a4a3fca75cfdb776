package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.ServerDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.SoftAssertions;

/**
 * A key column that two rows can share would let one checked write change both and report one: such a key is
 * refused when the table is declared, unless the declaration vouches for it ({@code assumeUniqueKey()}), and then
 * a write that finds more than one row is undone and refused.
 */
class KeyUniquenessTest {

    /** A table of rows (1, 'a'), (1, 'b') and (2, 'c'), all at version 1, its key column shaped by {@code key}. */
    private static String twoRowsShareKeyOne(TestDatabase db, String columnsAfter) {
        String t = db.createTable("dupkey", "id BIGINT NOT NULL, tenant INT NOT NULL, name VARCHAR(20), "
                + "version BIGINT NOT NULL" + columnsAfter);
        db.execute("INSERT INTO " + t + " (id, tenant, name, version) VALUES (1, 1, 'a', 1)",
                "INSERT INTO " + t + " (id, tenant, name, version) VALUES (1, 2, 'b', 1)",
                "INSERT INTO " + t + " (id, tenant, name, version) VALUES (2, 1, 'c', 1)");
        return t;
    }

    private static String rows(TestDatabase db, String t) {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.rawConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT id, tenant, name, version FROM " + t + " ORDER BY id, tenant")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + "/" + rs.getInt(2) + "/" + rs.getString(3) + "/v" + rs.getLong(4));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return String.join(" ", rows);
    }

    private static final String UNTOUCHED = "1/1/a/v1 1/2/b/v1 2/1/c/v1";

    @AllDatabases
    void aKeyColumnTwoRowsCanShareIsRefusedWhenTheTableIsDeclared(TestDatabase db) {
        Map<String, String> shapes = new java.util.LinkedHashMap<>();
        shapes.put("no index at all", "");
        shapes.put("a unique index on (id, tenant)", ", UNIQUE (id, tenant)");
        shapes.put("a primary key on (id, tenant)", ", PRIMARY KEY (id, tenant)");
        shapes.put("a non-unique index on id", "+index");
        if (db.name().equals("postgresql") || db.name().equals("sqlite")) {
            shapes.put("a partial unique index on id", "+partial");
        }
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, String> shape : shapes.entrySet()) {
            String extra = shape.getValue().startsWith("+") ? "" : shape.getValue();
            String t = twoRowsShareKeyOne(db, extra);
            if (shape.getValue().equals("+index")) {
                db.execute("CREATE INDEX " + t + "_ix ON " + t + " (id)");
            } else if (shape.getValue().equals("+partial")) {
                // Unique only among the rows of tenant 1: the rows of key 1 are in different tenants.
                db.execute("CREATE UNIQUE INDEX " + t + "_ux ON " + t + " (id) WHERE tenant = 1");
            }
            Throwable refused = catchThrowable(() -> Concurrency.builder(db.dataSource()).table(t).build());
            if (refused == null) {
                // What the declaration lets through: one checked update, reported as one save.
                Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
                long reported = c.table(t).update(1, 1L, Map.of("name", "x"));
                soft.fail("With " + shape.getKey() + " the table was accepted, and update(1, version 1) reported "
                        + "version " + reported + " while the table now holds: " + rows(db, t));
                continue;
            }
            soft.assertThat(refused).as(shape.getKey()).isInstanceOf(DeclarationException.class)
                    .hasMessageContaining("'" + t + "'").hasMessageContaining("'id'")
                    .hasMessageContaining("unique").hasMessageContaining("assumeUniqueKey()");
            soft.assertThat(rows(db, t)).as(shape.getKey()).isEqualTo(UNTOUCHED);
        }
        soft.assertAll();
    }

    @AllDatabases
    void aUniqueIndexOnTheKeyAloneIsEnoughWhateverTheCaseOfItsName(TestDatabase db) {
        String q = db.name().equals("mariadb") ? "`" : "\"";
        // No primary key; a unique index on the key column alone, named in mixed case in the database.
        String t = db.createTable("mixedkey", q + "Item_Id" + q + " BIGINT NOT NULL, name VARCHAR(20), "
                + "version BIGINT NOT NULL, UNIQUE (" + q + "Item_Id" + q + ")");
        db.execute("INSERT INTO " + t + " (" + q + "Item_Id" + q + ", name, version) VALUES (1, 'a', 1)",
                "INSERT INTO " + t + " (" + q + "Item_Id" + q + ", name, version) VALUES (2, 'b', 1)");
        VersionedTable table = Concurrency.builder(db.dataSource()).table(t, d -> d.key("item_id")).build().table(t);

        assertThat(table.update(1, 1L, Map.of("name", "x"))).isEqualTo(2L);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE " + q + "Item_Id" + q + " = 1")).isEqualTo("x");
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE " + q + "Item_Id" + q + " = 2")).isEqualTo("b");
    }

    @AllDatabases
    void aVouchedForKeyThatNamesTwoRowsIsRefusedOnEveryWritePathAndNothingIsWritten(TestDatabase db)
            throws Exception {
        for (VersionStrategy strategy : List.of(VersionStrategy.autoIncrement(),
                VersionStrategy.conditional().checkFields("name"))) {
            String t = twoRowsShareKeyOne(db, "");
            db.execute("CREATE INDEX " + t + "_ix ON " + t + " (id)");
            Concurrency concurrency = Concurrency.builder(db.dataSource())
                    .table(t, d -> d.version("version", strategy).assumeUniqueKey()).build();
            VersionedTable table = concurrency.table(t);
            String why = strategy.kind().toString();

            assertThatThrownBy(() -> table.update(1, 1L, Map.of("name", "x"))).as(why)
                    .isInstanceOf(KeyNotUniqueException.class).hasMessageContaining("2 rows")
                    .hasMessageContaining(t).hasMessageContaining("nothing was written");
            try (DisableScope unchecked = concurrency.disable(t)) {
                assertThatThrownBy(() -> table.update(1, 1L, Map.of("name", "x"))).as(why)
                        .isInstanceOf(KeyNotUniqueException.class);
                assertThatThrownBy(() -> table.delete(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
            }
            assertThatThrownBy(() -> table.updateWithoutIncrement(1, 1L, Map.of("name", "x"))).as(why)
                    .isInstanceOf(KeyNotUniqueException.class);
            assertThatThrownBy(() -> table.delete(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
            for (BulkPolicy policy : BulkPolicy.values()) {
                assertThatThrownBy(() -> table.updateAll(List.of(RowChange.of(2, 1L, Map.of("name", "y")),
                        RowChange.of(1, 1L, Map.of("name", "x"))), policy)).as(why + " " + policy)
                        .isInstanceOf(KeyNotUniqueException.class);
                assertThatThrownBy(() -> table.deleteAll(List.of(Identity.of(2, 1), Identity.of(1, 1)), policy))
                        .as(why + " " + policy).isInstanceOf(KeyNotUniqueException.class);
            }
            // Reads by key that would report one of several rows as "the row" refuse too, and so does the
            // conflict path of a stale write, which reads "the current row".
            assertThatThrownBy(() -> table.find(1)).as(why).isInstanceOf(KeyNotUniqueException.class);
            assertThatThrownBy(() -> table.find(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
            assertThatThrownBy(() -> table.isChanged(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
            assertThatThrownBy(() -> table.check(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
            assertThatThrownBy(() -> table.update(1, 7L, Map.of("name", "x"))).as(why)
                    .isInstanceOf(KeyNotUniqueException.class);
            AtomicBoolean ran = new AtomicBoolean();
            assertThatThrownBy(() -> table.guard(List.of(Identity.of(1, 1)), c -> ran.getAndSet(true)))
                    .as(why).isInstanceOf(KeyNotUniqueException.class);
            assertThat(ran).as(why).isFalse();
            // In the caller's transaction, which commits afterwards: the refused write is not in it.
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                VersionedTable mine = table.using(c);
                assertThat(mine.update(2, 1L, Map.of("name", "z"))).as(why).isEqualTo(2L);
                assertThatThrownBy(() -> mine.update(1, 1L, Map.of("name", "x"))).as(why)
                        .isInstanceOf(KeyNotUniqueException.class);
                assertThatThrownBy(() -> mine.delete(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
                assertThatThrownBy(() -> mine.checkAndLock(1, 1L)).as(why).isInstanceOf(KeyNotUniqueException.class);
                assertThatThrownBy(() -> mine.updateAll(List.of(RowChange.of(1, 1L, Map.of("name", "x")))))
                        .as(why).isInstanceOf(KeyNotUniqueException.class);
                c.commit();
                c.setAutoCommit(true);
            }
            assertThat(rows(db, t)).as(why).isEqualTo("1/1/a/v1 1/2/b/v1 2/1/z/v2");

            // A key that does name one row is written as usual, and reported as it was written.
            assertThat(table.update(2, 2L, Map.of("name", "w"))).as(why).isEqualTo(3L);
            BulkResult bulk = table.updateAll(List.of(RowChange.of(2, 3L, Map.of("name", "v"))));
            assertThat(bulk.saved()).as(why).containsExactly(Identity.of(2L, 4));
            table.delete(2, 4L);
            assertThat(rows(db, t)).as(why).isEqualTo("1/1/a/v1 1/2/b/v1");
        }
    }

    /** A view has no index: declared plainly it is refused with the way out; vouched for, it is written through. */
    @ServerDatabases
    void aViewIsRefusedUnlessItsKeyIsVouchedForAndThenWritesOneRowAtATime(TestDatabase db) {
        String t = Fixtures.productTable(db);
        String v = "v_" + t;
        db.execute("CREATE VIEW " + v + " AS SELECT id, name, price, version FROM " + t);
        try {
            assertThatThrownBy(() -> Concurrency.builder(db.dataSource()).table(v).build())
                    .isInstanceOf(DeclarationException.class).hasMessageContaining("'" + v + "' is a view")
                    .hasMessageContaining("assumeUniqueKey()");
            VersionedTable view = Concurrency.builder(db.dataSource()).table(v, d -> d.assumeUniqueKey()).build()
                    .table(v);
            assertThat(view.update(1, 1L, Map.of("price", 11))).isEqualTo(2L);
            assertThat(view.updateAll(List.of(RowChange.of(2, 1L, Map.of("price", 21)))).saved())
                    .containsExactly(Identity.of(2L, 2));
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1 AND version = 2")).isEqualTo(11);
            assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2 AND version = 2")).isEqualTo(21);
        } finally {
            db.execute("DROP VIEW " + v);
        }
    }
}
