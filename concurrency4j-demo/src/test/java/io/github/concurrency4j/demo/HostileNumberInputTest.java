package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Numbers whose size is not their length ({@code 1e300000}, 80,000 digits) sent to the demo's money field through
 * the edit form and the REST API: a prompt 400 naming the field, and nothing written. They used to cost seconds to
 * minutes of CPU per request (a PATCH with {@code "1e300000"} answered 500 after 33 s).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class HostileNumberInputTest extends OnDemoServer {
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void restPatchWithAHugeExponentIsA400NamingTheField() throws Exception {
        DemoTestData data = new DemoTestData(productRepository, jdbc);
        long id = data.product("Hostile mug", "5.00", 3);
        for (String price : new String[] {"\"1e300000\"", "\"1e-300000\"", "\"" + "9".repeat(80_000) + "\""}) {
            String etag = "\"" + data.productRow(id).get("VERSION") + "\"";
            HttpResponse<String> patch = assertTimeoutPreemptively(PROMPTLY, () -> http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/products/" + id))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .header("If-Match", etag)
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"price\": " + price + "}")).build(),
                    HttpResponse.BodyHandlers.ofString()));

            assertThat(patch.statusCode()).as(price.length() > 20 ? "80,000 digits" : price).isEqualTo(400);
            assertThat(patch.body()).contains("Price");
            assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("5.00");
        }
    }

    @Test
    void editFormWithAHugeExponentShowsTheErrorAndSavesNothing() throws Exception {
        DemoTestData data = new DemoTestData(productRepository, jdbc);
        long id = data.product("Hostile plate", "5.00", 3);
        String path = "/products/" + id + "/edit";
        Storm.Client client = new Storm.Client(port, new java.util.concurrent.atomic.AtomicInteger(),
                new java.util.concurrent.atomic.AtomicInteger(), new java.util.concurrent.atomic.AtomicLong());
        Object version = data.productRow(id).get("VERSION");
        Map<String, String> form = HttpStormTest.form(client.get(path), "sku", "name", "description", "price", "stock");
        form.put("price", "1e40000");

        HttpResponse<String> save = assertTimeoutPreemptively(PROMPTLY, () -> client.postForm(path, form));

        assertThat(save.statusCode()).isEqualTo(200);
        assertThat(save.body()).contains("Price accepts at most 8 digits before the decimal point");
        assertThat(data.productRow(id)).containsEntry("VERSION", version);
        assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("5.00");
    }
}
