package io.github.concurrency4j;

import io.github.concurrency4j.testing.TestDatabase;
import javax.sql.DataSource;

/** Tables the engine tests share. */
final class Fixtures {
    private Fixtures() {
    }

    /** A product table with rows 1 ("apple", 10) and 2 ("pear", 20), both at version 1. */
    static String productTable(TestDatabase db) {
        String t = db.createTable("product", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(100), "
                + "price INT, stock INT, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, price, stock, version) VALUES (1, 'apple', 10, 5, 1)",
                "INSERT INTO " + t + " (id, name, price, stock, version) VALUES (2, 'pear', 20, 7, 1)");
        return t;
    }

    static Concurrency concurrency(DataSource ds, String table, VersionStrategy strategy) {
        return Concurrency.builder(ds).table(table, t -> t.key("id").version("version", strategy)).build();
    }
}
