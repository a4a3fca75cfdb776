package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.demo.Storm.Html;
import io.github.concurrency4j.demo.Storm.Outcome;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Storms of "+1" edits over real HTTP against the demo with its default settings: 16 browser-like clients per
 * path, each reading the record, adding one to a counter and submitting, retrying on a conflict, for a few seconds.
 * Half the clients count in one field and half in another, so disjoint edits are merged while edits of the same
 * field conflict. Afterwards every counter must have grown by exactly the number of acknowledged edits (an
 * acknowledged write is in the table; an unacknowledged one is not), no answer may be a 5xx, and no request may
 * take long. Fields shown as NULL and left alone must still be NULL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class HttpStormTest extends OnDemoServer {
    static final int CLIENTS = 16;
    static final Duration DURATION = Duration.ofSeconds(3);
    /** Generous: the CI machine is shared; what this catches is a request stalled on a lock or a pool (30 s). */
    static final long WORST_LATENCY_MILLIS = 15_000;
    private static final Pattern STOCK = Pattern.compile("\"stock\":(\\d+)");

    DemoTestData data;

    @BeforeEach
    void freshData() {
        data = new DemoTestData(productRepository, jdbc);
    }

    @Test
    void productEditFormsLoseNoAcknowledgedEdit() throws Exception {
        productFormStorm(port, data, jdbc, DURATION);
    }

    /** Stock counted by half the clients, price (whole units) by the other half, through the JPA-backed form. */
    static void productFormStorm(int port, DemoTestData data, JdbcTemplate jdbc, Duration duration)
            throws Exception {
        long id = data.product("Storm shelf", "1.00", 0);
        String path = "/products/" + id + "/edit";
        Storm.Result result = Storm.run(port, CLIENTS, duration, (client, index) -> {
            Map<String, String> form = form(client.get(path), "sku", "name", "description", "price", "stock");
            if (index % 2 == 0) {
                form.put("stock", String.valueOf(Integer.parseInt(form.get("stock")) + 1));
            } else {
                form.put("price", new BigDecimal(form.get("price")).add(BigDecimal.ONE).toPlainString());
            }
            return submitted(client.postForm(path, form));
        });

        System.out.println("Product form storm: " + result);
        Map<String, Object> row = jdbc.queryForMap("SELECT stock, price, description FROM product WHERE id = ?", id);
        assertThat(((Number) row.get("STOCK")).intValue()).as("stock = acknowledged stock edits")
                .isEqualTo(result.acknowledged(i -> i % 2 == 0));
        assertThat((BigDecimal) row.get("PRICE")).as("price = 1 + acknowledged price edits")
                .isEqualByComparingTo(BigDecimal.valueOf(1 + result.acknowledged(i -> i % 2 == 1)));
        assertThat(row.get("DESCRIPTION")).isEqualTo("Made by a test.");
        result.assertHealthy(WORST_LATENCY_MILLIS);
    }

    @Test
    void supplierEditFormsLoseNoAcknowledgedEditAndLeaveNullAlone() throws Exception {
        supplierFormStorm(port, jdbc, DURATION);
    }

    /** Rating counted by half the clients, the contact's number by the other half (a trigger-versioned table). */
    static void supplierFormStorm(int port, JdbcTemplate jdbc, Duration duration) throws Exception {
        long id = insert(jdbc, "INSERT INTO supplier (name, contact_name, phone, rating, version) "
                + "VALUES ('Storm supplier', 'Buyer 0', NULL, 0, 1)", "supplier");
        String path = "/suppliers/" + id + "/edit";
        Storm.Result result = Storm.run(port, CLIENTS, duration, (client, index) -> {
            Map<String, String> form = form(client.get(path), "name", "contact_name", "phone", "rating");
            if (index % 2 == 0) {
                form.put("rating", String.valueOf(Integer.parseInt(form.get("rating")) + 1));
            } else {
                form.put("contact_name", "Buyer " + (trailingNumber(form.get("contact_name")) + 1));
            }
            return submitted(client.postForm(path, form));
        });

        System.out.println("Supplier form storm: " + result);
        Map<String, Object> row = jdbc.queryForMap("SELECT rating, contact_name, phone FROM supplier WHERE id = ?", id);
        assertThat(((Number) row.get("RATING")).intValue()).isEqualTo(result.acknowledged(i -> i % 2 == 0));
        assertThat(row.get("CONTACT_NAME")).isEqualTo("Buyer " + result.acknowledged(i -> i % 2 == 1));
        assertThat(row.get("PHONE")).as("a NULL phone nobody typed into").isNull();
        result.assertHealthy(WORST_LATENCY_MILLIS);
    }

    @Test
    void customerEditFormsLoseNoAcknowledgedEditAndLeaveNullAlone() throws Exception {
        customerFormStorm(port, jdbc, DURATION);
    }

    /** Name counted by half the clients, e-mail by the other half (a conditionally versioned table). */
    static void customerFormStorm(int port, JdbcTemplate jdbc, Duration duration) throws Exception {
        // name and email are the customer table's tracked fields: edits of them are the ones that conflict.
        long id = insert(jdbc, "INSERT INTO customer (name, email, phone, notes, version) "
                + "VALUES ('Storm customer 0', 'n0@storm.example', NULL, NULL, 1)", "customer");
        String path = "/customers/" + id + "/edit";
        Storm.Result result = Storm.run(port, CLIENTS, duration, (client, index) -> {
            Map<String, String> form = form(client.get(path), "name", "email", "phone", "notes");
            if (index % 2 == 0) {
                form.put("name", "Storm customer " + (trailingNumber(form.get("name")) + 1));
            } else {
                int n = trailingNumber(form.get("email").replace("@storm.example", "")) + 1;
                form.put("email", "n" + n + "@storm.example");
            }
            return submitted(client.postForm(path, form));
        });

        System.out.println("Customer form storm: " + result);
        Map<String, Object> row = jdbc.queryForMap("SELECT name, email, phone, notes FROM customer WHERE id = ?", id);
        assertThat(row.get("NAME")).isEqualTo("Storm customer " + result.acknowledged(i -> i % 2 == 0));
        assertThat(row.get("EMAIL")).isEqualTo("n" + result.acknowledged(i -> i % 2 == 1) + "@storm.example");
        assertThat(row.get("PHONE")).as("a NULL phone nobody typed into").isNull();
        assertThat(row.get("NOTES")).as("NULL notes nobody typed into").isNull();
        result.assertHealthy(WORST_LATENCY_MILLIS);
    }

    @Test
    void restPatchesWithIfMatchLoseNoAcknowledgedEdit() throws Exception {
        restPatchStorm(port, data, DURATION);
    }

    /** Stock counted through the REST API, each PATCH conditional on the ETag its GET returned. */
    static void restPatchStorm(int port, DemoTestData data, Duration duration) throws Exception {
        long id = data.product("Storm REST mug", "1.00", 0);
        String path = "/api/products/" + id;
        Storm.Result result = Storm.run(port, CLIENTS, duration, (client, index) -> {
            HttpResponse<String> get = client.get(path, "Accept", "application/json");
            Matcher stock = STOCK.matcher(get.body());
            if (get.statusCode() != 200 || !stock.find()) {
                throw new Storm.UnexpectedAnswer("GET " + path + ": " + get.statusCode() + " " + get.body());
            }
            String etag = get.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> patch = client.send(HttpRequest.newBuilder(client.uri(path))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .header("If-Match", etag)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(
                            "{\"stock\": " + (Integer.parseInt(stock.group(1)) + 1) + "}")));
            return switch (patch.statusCode()) {
                case 200 -> Outcome.ACKNOWLEDGED;
                case 409, 412 -> Outcome.CONFLICT;
                default -> throw new Storm.UnexpectedAnswer("PATCH: " + patch.statusCode() + " " + patch.body());
            };
        });

        System.out.println("REST If-Match storm: " + result);
        assertThat(((Number) data.productRow(id).get("STOCK")).intValue()).isEqualTo(result.acknowledged());
        result.assertHealthy(WORST_LATENCY_MILLIS);
    }

    @Test
    void gridSavesLoseNoAcknowledgedEdit() throws Exception {
        gridStorm(port, data, DURATION);
    }

    /** Stock counted through the list-editable grid, one row per save. */
    static void gridStorm(int port, DemoTestData data, Duration duration) throws Exception {
        long id = data.product("Storm grid lamp", "1.00", 0);
        Storm.Result result = Storm.run(port, CLIENTS, duration, (client, index) -> {
            HttpResponse<String> list = client.get("/products");
            expect(list, 200);
            String row = Html.row(list.body(), id);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("_c4j_rows", Html.value(row, "_c4j_rows"));
            form.put("price[" + id + "]", Html.value(row, "price[" + id + "]"));
            form.put("stock[" + id + "]", String.valueOf(Integer.parseInt(Html.value(row, "stock[" + id + "]")) + 1));
            HttpResponse<String> post = client.postForm("/products/grid", form);
            expect(post, 302);
            // The outcome is the flash message of the page the grid redirects to.
            String page = Html.unescape(client.get("/products").body());
            if (page.contains("1 product saved.")) {
                return Outcome.ACKNOWLEDGED;
            }
            if (page.contains("not saved")) {
                return Outcome.CONFLICT;
            }
            throw new Storm.UnexpectedAnswer("Grid save: neither saved nor refused");
        });

        System.out.println("Grid storm: " + result);
        assertThat(((Number) data.productRow(id).get("STOCK")).intValue()).isEqualTo(result.acknowledged());
        result.assertHealthy(WORST_LATENCY_MILLIS);
    }

    /** The named fields of the edit form in the page, and its version token. */
    static Map<String, String> form(HttpResponse<String> page, String... fields) {
        expect(page, 200);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("_c4j_token", Html.value(page.body(), "_c4j_token"));
        for (String f : fields) {
            form.put(f, Html.value(page.body(), f));
        }
        return form;
    }

    /** A form save: a redirect is an acknowledged save, a 409 the conflict page. */
    static Outcome submitted(HttpResponse<String> response) {
        if (response.statusCode() == 302) {
            return Outcome.ACKNOWLEDGED;
        }
        if (response.statusCode() == 409) {
            return Outcome.CONFLICT;
        }
        throw new Storm.UnexpectedAnswer("Form save: " + response.statusCode() + " "
                + response.body().substring(0, Math.min(300, response.body().length())));
    }

    static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new Storm.UnexpectedAnswer(response.request().method() + " " + response.uri() + ": expected "
                    + status + " but was " + response.statusCode());
        }
    }

    private static int trailingNumber(String text) {
        Matcher m = Pattern.compile("(\\d+)$").matcher(text);
        if (!m.find()) {
            throw new Storm.UnexpectedAnswer("No counter at the end of '" + text + "'");
        }
        return Integer.parseInt(m.group(1));
    }

    private static long insert(JdbcTemplate jdbc, String sql, String table) {
        jdbc.update(sql);
        return jdbc.queryForObject("SELECT MAX(id) FROM " + table, Long.class);
    }
}
