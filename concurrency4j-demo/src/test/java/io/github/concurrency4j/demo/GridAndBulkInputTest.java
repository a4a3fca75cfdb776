package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The list page's grid and bulk actions with hostile or broken input, over real HTTP: every malformed submission is
 * a 400 that says why, and nothing is written; a token from the list page cannot delete through the delete form.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GridAndBulkInputTest extends OnDemoServer {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

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
        String token = gridToken(page, id);
        String otherToken = gridToken(page, other);
        jdbc.update("UPDATE product SET version = version + 1 WHERE id = ?", other);
        String otherTokenLater = gridToken(get("/products"), other);
        Map<String, Object> before = data.productRow(id);
        Map<String, Object> otherBefore = data.productRow(other);

        List<List<Map.Entry<String, String>>> bad = List.of(
                // the same row twice, by the same token
                List.of(Map.entry("_c4j_rows", token), Map.entry("_c4j_rows", token),
                        Map.entry("price[" + id + "]", "1.00"), Map.entry("stock[" + id + "]", "1")),
                // the same row twice, at two versions: which one the user saw cannot be told
                List.of(Map.entry("_c4j_rows", otherToken), Map.entry("_c4j_rows", otherTokenLater),
                        Map.entry("price[" + other + "]", "1.00"), Map.entry("stock[" + other + "]", "1")),
                // one cell with two values
                List.of(Map.entry("_c4j_rows", token), Map.entry("price[" + id + "]", "1.00"),
                        Map.entry("price[" + id + "]", "2.00"), Map.entry("stock[" + id + "]", "1")),
                // a checkbox's token is good for a bulk action, not for saving a grid row
                List.of(Map.entry("_c4j_rows", checkbox(page, id)), Map.entry("price[" + id + "]", "1.00")));
        for (List<Map.Entry<String, String>> form : bad) {
            HttpResponse<String> r = post("/products/grid", form);
            assertThat(r.statusCode()).as(form.toString()).isEqualTo(400);
            assertThat(r.body()).as(form.toString()).containsAnyOf("more than once", "issued for a selection");
        }
        assertThat(data.productRow(id)).isEqualTo(before);
        assertThat(data.productRow(other)).isEqualTo(otherBefore);
    }

    @Test
    void aGridCellThatIsNotAValueSavesNoRowOfTheGrid() throws Exception {
        String page = get("/products");
        Map<String, Object> before = data.productRow(id);
        Map<String, Object> otherBefore = data.productRow(other);

        HttpResponse<String> r = post("/products/grid", List.of(
                Map.entry("_c4j_rows", gridToken(page, id)), Map.entry("price[" + id + "]", "41.00"),
                Map.entry("stock[" + id + "]", "5"),
                Map.entry("_c4j_rows", gridToken(page, other)), Map.entry("price[" + other + "]", "-3"),
                Map.entry("stock[" + other + "]", "2")));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(get("/products")).contains("Price must not be negative, but was -3. Nothing was saved.");
        assertThat(data.productRow(id)).isEqualTo(before);
        assertThat(data.productRow(other)).isEqualTo(otherBefore);
    }

    @Test
    void untouchedCellsShownWithTheirScaleAreNotWritten() throws Exception {
        // The page shows 40.00 and 5; posted back as shown, they are no change: nothing is written, no version moves.
        String page = get("/products");
        Map<String, Object> before = data.productRow(id);
        HttpResponse<String> r = post("/products/grid", List.of(
                Map.entry("_c4j_rows", gridToken(page, id)), Map.entry("price[" + id + "]", "40.00"),
                Map.entry("stock[" + id + "]", "5")));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(get("/products")).contains("No products saved.");
        assertThat(data.productRow(id)).isEqualTo(before);
    }

    @Test
    void eachTablesGridTakesOnlyItsOwnTablesRowTokens() throws Exception {
        long supplier = data.supplier("Grid timber");
        String suppliers = get("/suppliers");
        String products = get("/products");
        Map<String, Object> supplierBefore = jdbc.queryForMap("SELECT * FROM supplier WHERE id = ?", supplier);

        // A product row's token posted to the supplier grid: 400, nothing written.
        HttpResponse<String> foreign = post("/suppliers/grid", List.of(
                Map.entry("_c4j_rows", gridToken(products, id)), Map.entry("rating[" + id + "]", "1")));
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(foreign.body()).contains("issued for another record");
        assertThat(jdbc.queryForMap("SELECT * FROM supplier WHERE id = ?", supplier)).isEqualTo(supplierBefore);

        // The supplier's own token saves its rating; the trigger moves the version.
        long version = jdbc.queryForObject("SELECT version FROM supplier WHERE id = ?", Long.class, supplier);
        HttpResponse<String> own = post("/suppliers/grid", List.of(
                Map.entry("_c4j_rows", gridToken(suppliers, supplier)), Map.entry("rating[" + supplier + "]", "5")));
        assertThat(own.statusCode()).isEqualTo(302);
        assertThat(get("/suppliers")).contains("1 supplier saved.");
        assertThat(jdbc.queryForMap("SELECT rating, version FROM supplier WHERE id = ?", supplier))
                .containsEntry("RATING", 5).containsEntry("VERSION", version + 1);
    }

    @Test
    void malformedSelectionsAre400WithAReasonAndDeleteNothing() throws Exception {
        String page = get("/products");
        String box = checkbox(page, id);
        jdbc.update("UPDATE product SET version = version + 1 WHERE id = ?", id);
        String boxLater = checkbox(get("/products"), id);
        String gridToken = gridToken(page, other);

        for (List<String> selection : List.of(List.of(box, box), List.of(box, boxLater), List.of(gridToken))) {
            List<Map.Entry<String, String>> form = new ArrayList<>();
            selection.forEach(s -> form.add(Map.entry("_c4j_selected", s)));
            HttpResponse<String> r = post("/products/delete-selected", form);
            assertThat(r.statusCode()).as(selection.toString()).isEqualTo(400);
        }
        assertThat(data.productExists(id)).isTrue();
        assertThat(data.productExists(other)).isTrue();
    }

    @Test
    void listPageTokensCannotDeleteThroughTheDeleteForm() throws Exception {
        String page = get("/products");
        for (String token : List.of(gridToken(page, id), checkbox(page, id))) {
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

    /** The value of the row's checkbox, rendered by {@code @concurrency4jForms.checkbox}. */
    private static String checkbox(String page, long row) {
        return inRow(page, row, "name=\"_c4j_selected\" value=\"([^\"]+)\"");
    }

    /** The row's grid token, rendered by {@code @concurrency4jForms.hiddenRow}. */
    private static String gridToken(String page, long row) {
        return inRow(page, row, "name=\"_c4j_rows\" value=\"([^\"]+)\"");
    }

    private static String inRow(String page, long row, String regex) {
        int start = page.indexOf("id=\"row-" + row + "\"");
        assertThat(start).as("row " + row).isNotNegative();
        Matcher m = Pattern.compile(regex).matcher(page.substring(start, page.indexOf("</tr>", start)));
        assertThat(m.find()).as(regex + " in row " + row).isTrue();
        return m.group(1);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
