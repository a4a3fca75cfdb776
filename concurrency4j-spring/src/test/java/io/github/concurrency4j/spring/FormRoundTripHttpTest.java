package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.spring.app.TestApplication;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** Two browsers editing one row through the embedded server, as real HTTP clients. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FormRoundTripHttpTest extends OnProductServer {
    private static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    private HttpResponse<String> get(HttpClient browser, String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri(path)).header("Accept", HTML).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient browser, String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(uri(path)).header("Accept", HTML)
                .header("Referer", uri("/products/1/edit").toString())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void secondBrowserSavingAStaleFormGetsA409PageWithTheDiffAndCanReapply() throws Exception {
        HttpClient alice = browser();
        HttpClient bob = browser();
        String aliceToken = token(get(alice, "/products/1/edit").body());
        String bobToken = token(get(bob, "/products/1/edit").body());

        HttpResponse<String> saved = post(alice, "/products/1", Map.of("_c4j_token", aliceToken,
                "name", "apple", "description", "red and round and sweet", "price", "10"));
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("Saved.");

        HttpResponse<String> conflict = post(bob, "/products/1", Map.of("_c4j_token", bobToken,
                "name", "apple", "description", "red and round and sour", "price", "10"));

        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(conflict.body())
                .contains("This record was changed by someone else")
                .contains("<del class=\"removed\">sweet</del>")
                .contains("<ins class=\"added\">sour</ins>")
                .contains("Re-apply my changes to the current version")
                .contains("Discard my changes and reload");
        assertThat(jdbc.queryForObject("SELECT description FROM product WHERE id = 1", String.class))
                .isEqualTo("red and round and sweet");

        String fresh = token(conflict.body().substring(conflict.body().indexOf("<form")));
        HttpResponse<String> reapplied = post(bob, "/products/1", Map.of("_c4j_token", fresh,
                "name", "apple", "description", "red and round and sour", "price", "10"));
        assertThat(reapplied.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForMap("SELECT description, version FROM product WHERE id = 1"))
                .containsEntry("DESCRIPTION", "red and round and sour").containsEntry("VERSION", 3L);
    }

    @Test
    void disjointEditsOverHttpAreMergedAndTheUserIsTold() throws Exception {
        HttpClient alice = browser();
        HttpClient bob = browser();
        String aliceToken = token(get(alice, "/products/1/edit").body());
        String bobToken = token(get(bob, "/products/1/edit").body());
        post(alice, "/products/1", Map.of("_c4j_token", aliceToken, "name", "apple",
                "description", "red and round", "price", "15"));

        HttpResponse<String> merged = post(bob, "/products/1", Map.of("_c4j_token", bobToken, "name", "Apple",
                "description", "red and round", "price", "10"));

        assertThat(merged.statusCode()).isEqualTo(200);
        assertThat(merged.body()).contains("did not overlap and were merged");
        assertThat(jdbc.queryForMap("SELECT name, price FROM product WHERE id = 1"))
                .containsEntry("NAME", "Apple").containsEntry("PRICE", 15);
    }
}
