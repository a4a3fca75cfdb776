package io.github.concurrency4j.test;

import io.github.concurrency4j.Concurrency;
import java.util.Map;

/** The kit proving a table, as a user writes it. */
class ProductTableIsProtectedTest implements VersionedTableContract {
    @Override
    public Concurrency concurrency() {
        return Databases.concurrency();
    }

    @Override
    public String table() {
        return "kit_product";
    }

    @Override
    public Map<String, Object> newRow() {
        return Map.of("id", 9001, "name", "test product", "note", "n");
    }

    @Override
    public Map<String, Object> change() {
        return Map.of("name", "changed");
    }
}
