package io.github.concurrency4j.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the web tests share: the product rows and reading a token out of a rendered form. */
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
