package io.github.concurrency4j.spring;

import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the web tests share: the product rows, reading a token out of a rendered form, and the server databases
 * the form suites also run on.
 */
final class WebTestSupport {
    private static final Pattern TOKEN = Pattern.compile("name=\"_c4j_token\" value=\"([^\"]+)\"");
    /** A grid row's token. */
    static final Pattern ROW_TOKEN = Pattern.compile("name=\"_c4j_rows\" value=\"([^\"]+)\"");
    /** A bulk selection checkbox's token. */
    static final Pattern CHECKBOX = Pattern.compile("name=\"_c4j_selected\" value=\"([^\"]+)\"");

    private WebTestSupport() {
    }

    /** Product 1 ("apple", "red and round", 10, cost 4) and 2 ("pear", "green", 20, cost 6), both at version 1. */
    static void resetProducts(JdbcTemplate jdbc) {
        jdbc.update("DELETE FROM product");
        jdbc.update("INSERT INTO product (id, name, description, price, cost, version) VALUES "
                + "(1, 'apple', 'red and round', 10, 4, 1), (2, 'pear', 'green', 20, 6, 1)");
    }

    /**
     * Points the application at the PostgreSQL test server, in a schema of its own ({@code c4j_spring}, created
     * when missing); skips the class where PostgreSQL is not reachable (with {@code CI=true} it must be).
     */
    static void onPostgresql(DynamicPropertyRegistry registry) throws SQLException {
        TestDatabase db = server("postgresql", "CREATE SCHEMA IF NOT EXISTS c4j_spring");
        registry.add("spring.datasource.url", () -> db.url() + (db.url().contains("?") ? "&" : "?")
                + "currentSchema=c4j_spring");
        credentials(registry, db);
    }

    /**
     * Points the application at the MariaDB test server, in a database of its own ({@code c4j_spring_test},
     * created when missing); skips the class where MariaDB is not reachable (with {@code CI=true} it must be).
     */
    static void onMariadb(DynamicPropertyRegistry registry) throws SQLException {
        TestDatabase db = server("mariadb", "CREATE DATABASE IF NOT EXISTS c4j_spring_test");
        registry.add("spring.datasource.url", () -> db.url().replace("/concurrency4j_test", "/c4j_spring_test"));
        credentials(registry, db);
    }

    private static TestDatabase server(String name, String create) throws SQLException {
        TestDatabase db = TestDatabases.named(name);
        Assumptions.assumeTrue(TestDatabases.servers().contains(db), name + " is not reachable");
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            s.execute(create);
        }
        return db;
    }

    private static void credentials(DynamicPropertyRegistry registry, TestDatabase db) {
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }

    /** The version token of the first form in the page. */
    static String token(String html) {
        Matcher m = TOKEN.matcher(html);
        if (!m.find()) {
            throw new AssertionError("No version token in the page:\n" + html);
        }
        return m.group(1);
    }

    /** Every first group of the pattern in the page, in page order. */
    static List<String> all(Pattern p, String html) {
        List<String> found = new ArrayList<>();
        Matcher m = p.matcher(html);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
