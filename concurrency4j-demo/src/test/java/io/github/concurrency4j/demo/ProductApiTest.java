package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** The products REST API over real HTTP: ETag on reads, If-Match on writes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ProductApiTest extends OnDemoServer {
    final HttpClient http = HttpClient.newHttpClient();
    DemoTestData data;
    FormSession browser;

    @BeforeEach
    void freshData() {
        data = new DemoTestData(productRepository, jdbc);
        browser = new FormSession(base());
    }

    @Test
    void getCarriesTheVersionAsETagAndAnswers304WhenUnchanged() throws Exception {
        long id = data.product("API mug", "8.00", 4);
        HttpResponse<String> get = send(request(id).GET());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(get.body()).contains("\"name\":\"API mug\"");
        String etag = get.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + data.productRow(id).get("VERSION") + "\"");

        HttpResponse<String> again = send(request(id).header("If-None-Match", etag).GET());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void writeWithTheCurrentETagSucceedsAndAStaleOneGets412() throws Exception {
        long id = data.product("API plate", "5.00", 10);
        String etag = send(request(id).GET()).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> first = send(request(id).header("If-Match", etag)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"price\": 6.00}")));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);

        HttpResponse<String> stale = send(request(id).header("If-Match", etag)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"sku\":\"X\",\"name\":\"Overwritten\",\"description\":\"\",\"price\":1,\"stock\":1}")));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("Content-Type")).hasValueSatisfying(isProblemJson());
        assertThat(stale.body()).contains("\"currentVersion\"");
        assertThat(data.productRow(id)).containsEntry("NAME", "API plate")
                .containsEntry("PRICE", new BigDecimal("6.00"));

        HttpResponse<String> staleDelete = send(request(id).header("If-Match", etag).DELETE());
        assertThat(staleDelete.statusCode()).isEqualTo(412);
        assertThat(data.productExists(id)).isTrue();

        String current = first.headers().firstValue("ETag").orElseThrow();
        assertThat(send(request(id).header("If-Match", current).DELETE()).statusCode()).isEqualTo(204);
        assertThat(data.productExists(id)).isFalse();
    }

    @Test
    void writeWithoutIfMatchGets428AndNothingIsWritten() throws Exception {
        long id = data.product("API bowl", "3.00", 2);
        HttpResponse<String> response = send(request(id).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"price\": 99}")));
        assertThat(response.statusCode()).isEqualTo(428);
        assertThat(send(request(id).DELETE()).statusCode()).isEqualTo(428);
        assertThat(data.productRow(id).get("PRICE")).isEqualTo(new BigDecimal("3.00"));
    }

    @Test
    void staleFormPostIsAnswered409WithTheDiffPageForBrowsersAndAProblemForApiClients() throws Exception {
        long id = data.product("Form kettle", "20.00", 1);
        String form = browser.get("/products/" + id + "/edit").body();
        String token = form.replaceAll("(?s).*name=\"_c4j_token\" value=\"([^\"]+)\".*", "$1");
        // Every field as the form showed it, except the price: the price is the one field both users change.
        String sku = Storm.Html.value(form, "sku");
        String fields = "sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8) + "&name=Form+kettle&description=Made+by+a+test.&stock=1&_c4j_token=" + token;

        HttpResponse<String> first = browser.send(formPost(id, fields + "&price=21.00"));
        assertThat(first.statusCode()).isEqualTo(302);

        HttpResponse<String> page = browser.send(formPost(id, fields + "&price=22.00")
                .header("Accept", "text/html"));
        assertThat(page.statusCode()).isEqualTo(409);
        assertThat(page.body()).contains("409 Conflict").contains("<del>").contains("<ins>")
                .contains("data-field=\"price\"");

        HttpResponse<String> api = browser.send(formPost(id, fields + "&price=23.00")
                .header("Accept", "application/json"));
        assertThat(api.statusCode()).isEqualTo(409);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(isProblemJson());
        assertThat(api.body()).contains("\"currentVersion\"").contains("\"conflictingFields\":[\"price\"]");
        assertThat(data.productRow(id).get("PRICE")).isEqualTo(new BigDecimal("21.00"));
    }

    @Test
    void missingOrReplayedFormTokenIs400AndNothingIsWritten() throws Exception {
        long id = data.product("Token cup", "2.00", 1);
        long other = data.product("Other cup", "2.00", 1);
        String form = browser.get("/products/" + other + "/edit").body();
        String otherToken = form.replaceAll("(?s).*name=\"_c4j_token\" value=\"([^\"]+)\".*", "$1");
        String fields = "sku=T&name=Token+cup&description=x&price=9.99&stock=1";

        HttpResponse<String> missing = browser.send(formPost(id, fields));
        assertThat(missing.statusCode()).isEqualTo(400);
        HttpResponse<String> replayed = browser.send(formPost(id, fields + "&_c4j_token=" + otherToken));
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("issued for another record");
        assertThat(data.productRow(id).get("PRICE")).isEqualTo(new BigDecimal("2.00"));
    }

    private static java.util.function.Consumer<String> isProblemJson() {
        return type -> assertThat(type).startsWith("application/problem+json");
    }

    /** A form post as the browser session sends it: with its cookie and CSRF token. */
    private HttpRequest.Builder formPost(long id, String body) {
        return browser.form("/products/" + id + "/edit", body);
    }

    private HttpRequest.Builder request(long id) {
        return HttpRequest.newBuilder(URI.create(base() + "/api/products/" + id));
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
