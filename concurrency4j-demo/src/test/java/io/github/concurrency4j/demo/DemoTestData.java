package io.github.concurrency4j.demo;

import io.github.concurrency4j.demo.product.Product;
import io.github.concurrency4j.demo.product.ProductRepository;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;

/** Fresh rows for each test, so tests sharing one running demo never step on each other's records. */
final class DemoTestData {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ProductRepository products;
    private final JdbcTemplate jdbc;

    DemoTestData(ProductRepository products, JdbcTemplate jdbc) {
        this.products = products;
        this.jdbc = jdbc;
    }

    long product(String name, String price, int stock) {
        int n = SEQUENCE.incrementAndGet();
        return products.save(new Product("T-" + n, name, "Made by a test.", new BigDecimal(price), stock, null))
                .getId();
    }

    long supplier(String name) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        new NamedParameterJdbcTemplate(jdbc).update(
                "INSERT INTO supplier (name, contact_name, phone, rating, version) VALUES (:name, 'Day-shift buyer', '+1 555 0100', 3, 1)",
                new MapSqlParameterSource(Map.of("name", name)), keys, new String[] {"id"});
        return keys.getKey().longValue();
    }

    Map<String, Object> productRow(long id) {
        return jdbc.queryForMap("SELECT name, price, stock, version FROM product WHERE id = ?", id);
    }

    Map<String, Object> supplierRow(long id) {
        return jdbc.queryForMap("SELECT name, contact_name, version FROM supplier WHERE id = ?", id);
    }

    boolean productExists(long id) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM product WHERE id = ?", Integer.class, id) == 1;
    }
}
