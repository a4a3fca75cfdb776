package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
 * The demo's REST API and forms as a client uses them, over real HTTP: a GET's JSON PUT back works; every client
 * mistake is a 400 problem document naming the field; values the database cannot hold are refused without showing
 * SQL; and no response body, JSON or HTML, shows SQL, Java type names or stack frames.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class RestApiErrorsTest extends OnDemoServer {
    private static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static final List<String> LEAKS = List.of("SELECT", "UPDATE ", "INSERT ", "java.", "Exception", "org.",
            "\tat ", "jdbc");
    private static final Pattern HIDDEN = Pattern.compile("name=\"(_c4j_token|_csrf)\" value=\"([^\"]+)\"");

    /** With cookies: a form's CSRF token belongs to the session the form page opened. */
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    final ObjectMapper json = new ObjectMapper();
    DemoTestData data;

    @BeforeEach
    void freshData() {
        data = new DemoTestData(productRepository, jdbc);
    }

    @Test
    void theJsonOfAGetCanBePutBackAndItsChangeIsStored() throws Exception {
        long id = data.product("Round trip mug", "8.00", 4);
        HttpResponse<String> read = send(api(id).GET());
        String etag = read.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> same = send(put(id, etag, read.body()));
        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);

        String newEtag = same.headers().firstValue("ETag").orElseThrow();
        JsonNode body = json.readTree(same.body());
        String changed = same.body().replace("\"Round trip mug\"", "\"Round trip cup\"");
        HttpResponse<String> edit = send(put(id, newEtag, changed));
        assertThat(edit.statusCode()).as(edit.body()).isEqualTo(200);
        assertThat(data.productRow(id)).containsEntry("NAME", "Round trip cup")
                .containsEntry("PRICE", new BigDecimal("8.00")).containsEntry("STOCK", 4)
                .containsEntry("VERSION", body.path("version").asLong() + 1);
    }

    @Test
    void clientMistakesInABodyAre400ProblemsNamingTheFieldAndNothingIsWritten() throws Exception {
        long id = data.product("Careful mug", "8.00", 4);
        long other = data.product("Other mug", "8.00", 4);
        String etag = send(api(id).GET()).headers().firstValue("ETag").orElseThrow();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"colour\": \"red\"}", "colour");
        cases.put("{\"id\": " + other + ", \"name\": \"moved\"}", "id");
        cases.put("{\"version\": 999, \"name\": \"x\"}", "version");
        cases.put("{\"name\": \"" + "n".repeat(101) + "\"}", "name");
        cases.put("{\"price\": \"1e300000\"}", "price");
        cases.put("{\"price\": 1e300000}", "price");
        cases.put("{\"price\": 123456789}", "price");
        cases.put("{\"price\": -1}", "price");
        cases.put("{\"stock\": 3000000000}", "stock");
        cases.put("{\"stock\": \"many\"}", "stock");
        cases.put("{\"name\": null}", "name");
        cases.put("{\"supplierId\": 12345}", "supplierId");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            long started = System.nanoTime();
            HttpResponse<String> r = send(api(id).header("If-Match", etag).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(c.getKey())));
            JsonNode problem = assertProblem(r, 400);
            assertThat(problem.path("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms for %s", c.getKey()).isLessThan(5_000);
        }
        JsonNode tooLong = assertProblem(send(api(id).header("If-Match", etag)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\": \"" + "n".repeat(101) + "\"}"))), 400);
        assertThat(tooLong.path("limit").asInt()).isEqualTo(100);
        assertThat(data.productRow(id)).containsEntry("NAME", "Careful mug")
                .containsEntry("PRICE", new BigDecimal("8.00")).containsEntry("STOCK", 4);
        assertThat(data.productRow(other)).containsEntry("NAME", "Other mug");
    }

    @Test
    void malformedIfMatchBrokenJsonAndBadIdsAre400Problems() throws Exception {
        long id = data.product("Header mug", "8.00", 4);
        for (String ifMatch : List.of("\"1\"x", "\"stale\", *", "1", "W/ \"1\"")) {
            assertProblem(send(api(id).header("If-Match", ifMatch).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"stock\": 5}"))), 400);
        }
        String etag = send(api(id).GET()).headers().firstValue("ETag").orElseThrow();
        assertProblem(send(api(id).header("If-Match", etag).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"stock\": "))), 400);
        assertProblem(send(HttpRequest.newBuilder(URI.create(base() + "/api/products/12345678901234567890"))
                .header("Accept", "application/json").GET()), 400);
        assertThat(data.productRow(id)).containsEntry("STOCK", 4);
    }

    @Test
    void aSupplierNameTooLongForItsColumnIsA400PageWithoutSqlAndNothingIsWritten() throws Exception {
        long id = data.supplier("Short name");
        Map<String, String> hidden = hiddenFields("/suppliers/" + id + "/edit");
        Map<String, String> form = new LinkedHashMap<>(hidden);
        form.put("name", "S".repeat(300));
        form.put("contact_name", "Day-shift buyer");
        form.put("phone", "+1 555 0100");
        form.put("rating", "3");
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/suppliers/" + id + "/edit"))
                .header("Accept", HTML).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("at most 100 characters long, but was 300");
        assertNoLeak(r);
        assertThat(data.supplierRow(id)).containsEntry("NAME", "Short name").containsEntry("VERSION", 1L);
    }

    @Test
    void errorPagesOfMistakesInTheAddressShowNoInternals() throws Exception {
        for (String path : List.of("/products/abc/edit", "/products/99999999999999999999/edit",
                "/api/products/abc", "/products/999999/edit")) {
            for (String accept : List.of(HTML, "application/json")) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + path))
                        .header("Accept", accept).GET());
                assertThat(r.statusCode()).as("%s %s", path, accept).isBetween(400, 499);
                assertNoLeak(r);
            }
        }
    }

    private JsonNode assertProblem(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertNoLeak(r);
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        return problem;
    }

    private static void assertNoLeak(HttpResponse<String> r) {
        for (String leak : LEAKS) {
            assertThat(r.body()).as("%s %s answered %d", r.request().method(), r.request().uri(), r.statusCode())
                    .doesNotContain(leak);
        }
    }

    /** The form's hidden fields: its version token, and the CSRF token when the demo has one. */
    private Map<String, String> hiddenFields(String path) throws Exception {
        String page = send(HttpRequest.newBuilder(URI.create(base() + path)).header("Accept", HTML).GET()).body();
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(page);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2));
        }
        assertThat(fields).containsKey("_c4j_token");
        return fields;
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private HttpRequest.Builder api(long id) {
        return HttpRequest.newBuilder(URI.create(base() + "/api/products/" + id)).header("Accept", "application/json");
    }

    private HttpRequest.Builder put(long id, String etag, String body) {
        return api(id).header("If-Match", etag).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
