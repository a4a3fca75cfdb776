package io.github.concurrency4j.demo.outside;

/**
 * The statements the panel offers. Fixed text on the demo's own tables, with the row id as the only parameter:
 * the panel is a demonstration, not a SQL console.
 */
public enum OutsideStatement {
    SUPPLIER_CONTACT("supplier", "The supplier team's app reassigns the contact",
            "UPDATE supplier SET contact_name = 'Night-shift DBA' WHERE id = ?",
            "The trigger bumps the version: anyone editing this supplier is stopped instead of overwriting it."),
    SUPPLIER_RATING("supplier", "A script re-rates the supplier",
            "UPDATE supplier SET rating = CASE WHEN rating < 5 THEN rating + 1 ELSE 1 END WHERE id = ?",
            "Caught the same way: the statement does not mention the version, the trigger bumps it anyway."),
    PRODUCT_RECOUNT("product", "Stock-taking script recounts a product, and bumps the version itself",
            "UPDATE product SET stock = stock + 5, version = version + 1 WHERE id = ?",
            "Products have no trigger: an outside writer has to bump the version itself to be noticed.");

    private final String table;
    private final String title;
    private final String sql;
    private final String effect;

    OutsideStatement(String table, String title, String sql, String effect) {
        this.table = table;
        this.title = title;
        this.sql = sql;
        this.effect = effect;
    }

    public String table() {
        return table;
    }

    public String title() {
        return title;
    }

    public String sql() {
        return sql;
    }

    public String effect() {
        return effect;
    }
}
