package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;

/**
 * The seed's recipes on typed records, as on the map API: check, check-and-lock, "check but don't bump", is-changed,
 * restore continuing the version, and per-row disable.
 */
class RecordTableRecipesTest {

    record Product(Long id, String name, int price, int stock, long version) {
    }

    record Loose(Long id, String name, Long version) {
    }

    private static RecordTable<Product> products(TestDatabase db, String t) {
        return Concurrency.builder(db.dataSource()).table(t).build().table(t).as(Product.class);
    }

    @AllDatabases
    void checkPassesOnTheRecordsVersionAndRefusesAStaleOrDeletedRecordWithoutWriting(TestDatabase db) {
        String t = Fixtures.productTable(db);
        RecordTable<Product> products = products(db, t);
        Product read = products.find(1L).orElseThrow();

        products.check(read);
        assertThat(products.isChanged(read)).isFalse();
        Product saved = products.update(new Product(1L, "apple", 11, 5, read.version()));

        RecordModifiedException stale = catchThrowableOfType(RecordModifiedException.class, () -> products.check(read));
        assertThat(stale.operation()).isEqualTo("check");
        assertThat(stale.currentVersion()).hasValue(2);
        assertThat(products.isChanged(read)).isTrue();
        assertThat(products.isChanged(saved)).isFalse();

        Product pear = products.find(2L).orElseThrow();
        products.delete(pear);
        assertThat(catchThrowableOfType(RecordModifiedException.class, () -> products.check(pear)).isDeleted())
                .isTrue();
        assertThat(products.isChanged(pear)).isTrue();
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(11);
    }

    @AllDatabases
    void aRecordWithoutAVersionIsRefusedByCheckAndUpdateWithoutIncrement(TestDatabase db) {
        String t = db.createTable("loose", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(50), "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, version) VALUES (1, 'kept', 4)");
        RecordTable<Loose> table = Concurrency.builder(db.dataSource()).table(t).build().table(t).as(Loose.class);

        assertThatThrownBy(() -> table.check(new Loose(1L, "kept", null))).isInstanceOf(MissingVersionException.class);
        assertThatThrownBy(() -> table.updateWithoutIncrement(new Loose(1L, "blind", null)))
                .isInstanceOf(MissingVersionException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("kept");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(4);
    }

    @AllDatabases
    void checkAndLockRunsInTheCallersTransactionAndRefusesAStaleRecord(TestDatabase db) throws Exception {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        Product read = c.table(t).as(Product.class).find(1L).orElseThrow();

        assertThatThrownBy(() -> c.table(t).as(Product.class).checkAndLock(read))
                .isInstanceOf(IllegalStateException.class);
        try (Connection tx = db.rawConnection()) {
            tx.setAutoCommit(false);
            RecordTable<Product> inTx = c.table(t).using(tx).as(Product.class);
            inTx.checkAndLock(read);
            Product written = inTx.update(new Product(1L, "apple", 15, 5, read.version()));
            tx.commit();
            assertThat(written.version()).isEqualTo(2);
        }
        try (Connection tx = db.rawConnection()) {
            tx.setAutoCommit(false);
            RecordTable<Product> inTx = c.table(t).using(tx).as(Product.class);
            assertThatThrownBy(() -> inTx.checkAndLock(read)).isInstanceOf(RecordModifiedException.class);
            tx.rollback();
        }
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(15);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
    }

    @AllDatabases
    void updateWithoutIncrementWritesCheckedAndKeepsTheVersion(TestDatabase db) {
        String t = Fixtures.productTable(db);
        RecordTable<Product> products = products(db, t);
        Product read = products.find(1L).orElseThrow();

        Product written = products.updateWithoutIncrement(new Product(1L, "apple", 10, 4, read.version()));
        assertThat(written.version()).isEqualTo(1);
        assertThat(products.find(1L).orElseThrow()).isEqualTo(written);

        products.update(new Product(1L, "green apple", 10, 4, 1));
        assertThatThrownBy(() -> products.updateWithoutIncrement(new Product(1L, "apple", 10, 3, 1)))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("green apple");
        assertThat(db.queryLong("SELECT stock FROM " + t + " WHERE id = 1")).isEqualTo(4);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
    }

    @AllDatabases
    void restoreOfAKeptRecordContinuesItsVersionSoAnOldFormStaysStale(TestDatabase db) {
        String t = Fixtures.productTable(db);
        RecordTable<Product> products = products(db, t);
        Product openedInAForm = products.find(1L).orElseThrow();
        Product kept = products.update(new Product(1L, "apple", 12, 5, openedInAForm.version()));
        products.delete(kept);

        Product restored = products.restore(kept);
        assertThat(restored.version()).isEqualTo(kept.version() + 1);
        assertThat(products.find(1L).orElseThrow()).isEqualTo(restored);
        assertThatThrownBy(() -> products.update(new Product(1L, "from the old form", 1, 1, openedInAForm.version())))
                .isInstanceOf(RecordModifiedException.class);
        assertThatThrownBy(() -> products.update(new Product(1L, "from the kept copy", 1, 1, kept.version())))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("apple");
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(12);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(3);

        assertThatThrownBy(() -> products.restore(new Product(null, "no key", 1, 1, 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> products.restore(products.find(2L).orElseThrow()))
                .isInstanceOf(StatementFailedException.class);
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t)).isEqualTo(2);
    }

    @AllDatabases
    void disablingARecordWritesThatRowUncheckedAndLeavesTheOthersChecked(TestDatabase db) {
        String t = Fixtures.productTable(db);
        RecordTable<Product> products = products(db, t);
        Product apple = products.find(1L).orElseThrow();
        Product pear = products.find(2L).orElseThrow();
        products.update(new Product(1L, "apple", 11, 5, 1));
        products.update(new Product(2L, "pear", 21, 7, 1));

        try (DisableScope off = products.disable(apple)) {
            Product overwritten = products.update(new Product(1L, "imported", 30, 5, apple.version()));
            assertThat(overwritten.version()).isEqualTo(3);
            assertThatThrownBy(() -> products.update(new Product(2L, "imported", 30, 7, pear.version())))
                    .isInstanceOf(RecordModifiedException.class);
        }
        assertThatThrownBy(() -> products.update(new Product(1L, "after", 1, 1, apple.version())))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("imported");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(3);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("pear");
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).isEqualTo(21);
    }
}
