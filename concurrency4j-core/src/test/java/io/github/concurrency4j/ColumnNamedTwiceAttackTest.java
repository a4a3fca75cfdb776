package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A change that names one column twice, in spellings that differ only in case (a JSON body with "price" and "Price",
 * a map merged from two sources): column names are matched without regard to case, so both land on one column. Before,
 * the later entry silently won and the write was acknowledged with a value the caller may not have meant. Each write
 * path must refuse it with a message naming the column and both values, with nothing written.
 */
class ColumnNamedTwiceAttackTest {

    private static Map<String, Object> priceTwice() {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("price", 5);
        changes.put("name", "renamed");
        changes.put("PRICE", 7);
        return changes;
    }

    @AllDatabases
    void everyWritePathRefusesAColumnNamedTwiceAndWritesNothing(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t, VersionStrategy.autoIncrement()).table(t);

        assertThatThrownBy(() -> products.update(1, 1L, priceTwice()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'price' more than once", "'price' = 5", "'PRICE' = 7",
                        "Nothing was written");
        assertThatThrownBy(() -> products.updateWithoutIncrement(1, 1L, priceTwice()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than once");
        for (BulkPolicy policy : BulkPolicy.values()) {
            assertThatThrownBy(() -> products.updateAll(List.of(RowChange.of(2, 1L, Map.of("price", 21)),
                    RowChange.of(1, 1L, priceTwice())), policy))
                    .as(policy.name()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("more than once", "Nothing was written");
        }

        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(1);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("apple");
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 2")).isEqualTo(20);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 2")).isEqualTo(1);

        // Named once, the same change is written: the refusal was for the ambiguity alone.
        assertThat(products.update(1, 1L, Map.of("PRICE", 7))).isEqualTo(2L);
        assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(7);
    }
}
