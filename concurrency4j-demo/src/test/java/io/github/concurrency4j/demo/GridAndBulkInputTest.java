package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.demo.product.ProductRepository;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The list page's grid and bulk actions with hostile or broken input, over real HTTP: every malformed submission is
 * a 400 that says why, and nothing is written; a token from the list page cannot delete through the delete form.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GridAndBulkInputTest {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;
    @Autowired
    ProductRepository productRepository;
    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private DemoTestData data;
    private long id;
    private long other;

    @BeforeEach
    void rows() {
        data = new DemoTestData(productRepository, jdbc);
        id = data.product("Grid lamp", "40.00", 5);
        other = data.product("Grid desk", "90.00", 2);
    }

    @Test
    void malformedGridSubmissionsAre400WithAReasonAndWriteNothing() throws Exception {
        String page = get("/products");
        String token = hidden(page, "token_" + id);
        String otherToken = hidden(page, "token_" + other);
        jdbc.update("UPDATE product SET version = version + 1 WHERE id = ?", other);
        String otherTokenLater = hidden(get("/products"), "token_" + other);
        Map<String, Object> before = data.productRow(id);
        Map<String, Object> otherBefore = data.productRow(other);

        List<List<Map.Entry<String, String>>> bad = List.of(
                grid(Map.entry("row", "abc"), Map.entry("token_abc", token), Map.entry("price_abc", "1.00")),
                grid(Map.entry("row", "12345678901234567890"), Map.entry("token_12345678901234567890", token),
                        Map.entry("price_12345678901234567890", "1.00")),
                grid(Map.entry("row", "" + id), Map.entry("row", "" + id), Map.entry("token_" + id, token),
                        Map.entry("price_" + id, "1.00"), Map.entry("stock_" + id, "1")),
                grid(Map.entry("row", "" + other), Map.entry("token_" + other, otherToken),
                        Map.entry("token_" + other, otherTokenLater), Map.entry("price_" + other, "1.00"),
                        Map.entry("stock_" + other, "1")),
                grid(Map.entry("row", "" + id), Map.entry("token_" + id, token), Map.entry("price_" + id, "1.00"),
                        Map.entry("price_" + id, "2.00"), Map.entry("stock_" + id, "1")));
        for (List<Map.Entry<String, String>> form : bad) {
            HttpResponse<String> r = post("/products", form);
            assertThat(r.statusCode()).as(form.toString()).isEqualTo(400);
            assertThat(r.body()).as(form.toString()).containsAnyOf("not a row number", "more than once");
        }
        assertThat(data.productRow(id)).isEqualTo(before);
        assertThat(data.productRow(other)).isEqualTo(otherBefore);
    }

    @Test
    void malformedSelectionsAre400WithAReasonAndDeleteNothing() throws Exception {
        String page = get("/products");
        String box = checkbox(page, id);
        jdbc.update("UPDATE product SET version = version + 1 WHERE id = ?", id);
        String boxLater = checkbox(get("/products"), id);
        String gridToken = hidden(page, "token_" + other);

        for (List<String> selection : List.of(List.of(box, box), List.of(box, boxLater), List.of(gridToken))) {
            List<Map.Entry<String, String>> form = new ArrayList<>();
            form.add(Map.entry("op", "delete"));
            selection.forEach(s -> form.add(Map.entry("selected", s)));
            HttpResponse<String> r = post("/products", form);
            assertThat(r.statusCode()).as(selection.toString()).isEqualTo(400);
        }
        assertThat(data.productExists(id)).isTrue();
        assertThat(data.productExists(other)).isTrue();
    }

    @Test
    void listPageTokensCannotDeleteThroughTheDeleteForm() throws Exception {
        String page = get("/products");
        for (String token : List.of(hidden(page, "token_" + id), checkbox(page, id))) {
            HttpResponse<String> r = post("/products/" + id + "/delete", List.of(Map.entry("_c4j_token", token)));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("not for the delete of product " + id);
        }
        assertThat(data.productExists(id)).isTrue();

        String confirm = get("/products/" + id + "/delete");
        HttpResponse<String> r = post("/products/" + id + "/delete",
                List.of(Map.entry("_c4j_token", hidden(confirm, "_c4j_token"))));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(data.productExists(id)).isFalse();
    }

    @SafeVarargs
    private static List<Map.Entry<String, String>> grid(Map.Entry<String, String>... fields) {
        List<Map.Entry<String, String>> form = new ArrayList<>();
        form.add(Map.entry("op", "save"));
        form.addAll(List.of(fields));
        return form;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> post(String path, List<Map.Entry<String, String>> form) throws Exception {
        List<Map.Entry<String, String>> fields = new ArrayList<>(form);
        // With CSRF protection on, the form carries the page's CSRF token as a browser's would.
        Matcher csrf = CSRF.matcher(get("/products"));
        if (csrf.find()) {
            fields.add(Map.entry("_csrf", csrf.group(1)));
        }
        String body = fields.stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hidden(String page, String name) {
        Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("hidden field " + name).isTrue();
        return m.group(1);
    }

    private static String checkbox(String page, long row) {
        Matcher m = Pattern.compile("name=\"selected\" value=\"([^\"]+)\" title=\"Select #" + row + "\"")
                .matcher(page);
        assertThat(m.find()).as("checkbox of " + row).isTrue();
        return m.group(1);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
