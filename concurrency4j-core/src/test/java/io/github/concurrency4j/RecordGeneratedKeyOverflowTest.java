package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.util.Map;

/**
 * Attack on {@link RecordTable#insert}: a record with an {@code Integer} key over a BIGINT key column the database
 * generates. When the generated key does not fit the record, the insert must be refused with nothing written, on
 * the engine's own connection and inside a caller's transaction; before the fix the row was committed and the
 * caller got an error, so a retry inserted it a second time. A key that fits is unaffected.
 */
class RecordGeneratedKeyOverflowTest {
    private static final long BIG = (1L << 32) + 1;   // 4,294,967,297: does not fit an int

    record Item(Integer id, String name, long version) {
    }

    record WideItem(Long id, String name, long version) {
    }

    /** A table whose next generated key is {@link #BIG}. */
    private static String table(TestDatabase db) {
        String t = db.createTable("gen", "id " + db.generatedKey() + ", name VARCHAR(100), version BIGINT NOT NULL");
        switch (db.name()) {
            case "postgresql", "h2" -> db.execute("ALTER TABLE " + t + " ALTER COLUMN id RESTART WITH " + BIG);
            default -> db.execute("INSERT INTO " + t + " (id, name, version) VALUES (" + (BIG - 1) + ", 'seed', 1)");
        }
        return t;
    }

    private static long named(TestDatabase db, String t, String name) {
        return db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE name = '" + name + "'");
    }

    @AllDatabases
    void aGeneratedKeyThatDoesNotFitTheRecordIsRefusedWithNothingInserted(TestDatabase db) {
        String t = table(db);
        RecordTable<Item> items = Concurrency.builder(db.dataSource()).table(t).build().table(t).as(Item.class);

        Throwable e = catchThrowable(() -> items.insert(new Item(null, "new", 0)));

        assertThat(named(db, t, "new")).as("a refused insert leaves no row").isZero();
        assertThat(e).as("the key does not fit Integer").isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.valueOf(BIG)).hasMessageContaining("Nothing was inserted");
    }

    @AllDatabases
    void inACallersTransactionTheRefusedInsertIsUndoneAndTheTransactionGoesOn(TestDatabase db) throws Exception {
        String t = table(db);
        VersionedTable table = Concurrency.builder(db.dataSource()).table(t).build().table(t);
        try (Connection c = db.rawConnection()) {
            c.setAutoCommit(false);
            table.using(c).insert(Map.of("id", 7, "name", "before"));
            Throwable e = catchThrowable(() -> table.using(c).as(Item.class).insert(new Item(null, "new", 0)));
            table.using(c).insert(Map.of("id", 8, "name", "after"));
            c.commit();
            assertThat(e).isInstanceOf(IllegalStateException.class);
        }
        assertThat(named(db, t, "new")).as("a refused insert leaves no row").isZero();
        assertThat(named(db, t, "before") + named(db, t, "after")).as("the caller's other writes are saved")
                .isEqualTo(2);
    }

    @AllDatabases
    void aKeyThatFitsIsInsertedAndReported(TestDatabase db) {
        String t = table(db);
        VersionedTable table = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        WideItem wide = table.as(WideItem.class).insert(new WideItem(null, "wide", 0));

        assertThat(wide.id()).isEqualTo(BIG);
        assertThat(wide.version()).isEqualTo(1);
        assertThat(named(db, t, "wide")).isEqualTo(1);
    }
}
