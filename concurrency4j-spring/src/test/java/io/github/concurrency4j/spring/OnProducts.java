package io.github.concurrency4j.spring;

import io.github.concurrency4j.Concurrency;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the tests of the test application's product pages share, however they reach it ({@link OnProductPages}
 * through MockMvc, {@link OnProductServer} over real HTTP): the database and the engine, products 1 and 2 reset
 * ({@link WebTestSupport#resetProducts}) before each test, and a product read back as stored.
 */
abstract class OnProducts {
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Concurrency concurrency;

    @BeforeEach
    void resetProducts() {
        WebTestSupport.resetProducts(jdbc);
    }

    /**
     * Product {@code id} as stored: name, description, price, cost and version, keyed by upper-case column name
     * (whatever case the database reports), with numbers narrower than a {@code long} as {@code Integer}.
     */
    Map<String, Object> row(long id) {
        Map<String, Object> upper = new LinkedHashMap<>();
        jdbc.queryForMap("SELECT name, description, price, cost, version FROM product WHERE id = ?", id)
                .forEach((k, v) -> upper.put(k.toUpperCase(Locale.ROOT),
                        v instanceof Number n && !(v instanceof Long) ? n.intValue() : v));
        return upper;
    }
}
