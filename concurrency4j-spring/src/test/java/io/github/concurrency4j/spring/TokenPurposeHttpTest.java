package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.CHECKBOX;
import static io.github.concurrency4j.spring.WebTestSupport.ROW_TOKEN;
import static io.github.concurrency4j.spring.WebTestSupport.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.spring.app.TestApplication;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A token is good for the purpose it was rendered for, and nothing else: over real HTTP against the embedded server,
 * every token the pages hand out (edit form, delete form, grid row, selection checkbox) is tried on every write
 * endpoint. Also: a replayed token and row tokens submitted twice.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TokenPurposeHttpTest extends OnProductServer {
    @Test
    void everyTokenIsRefusedOnEveryEndpointButItsOwnAndNothingIsWritten() throws Exception {
        String grid = get("/products");
        Map<String, String> tokens = Map.of(
                "edit", WebTestSupport.token(get("/products/1/edit")),
                "delete", WebTestSupport.token(get("/products/1/delete")),
                "grid row", all(ROW_TOKEN, grid).get(0),
                "selection", all(CHECKBOX, grid).get(0));

        for (Map.Entry<String, String> t : tokens.entrySet()) {
            if (!t.getKey().equals("delete")) {
                HttpResponse<String> r = post("/products/1/delete", Map.of("_c4j_token", t.getValue()));
                assertThat(r.statusCode()).as(t.getKey() + " token on the delete form").isEqualTo(400);
                assertThat(r.body()).contains("\"reason\":\"other_purpose\"", "not for the delete of product 1");
            }
            if (!t.getKey().equals("edit")) {
                HttpResponse<String> r = post("/products/1/plain", Map.of("_c4j_token", t.getValue(),
                        "name", "forged"));
                assertThat(r.statusCode()).as(t.getKey() + " token on the edit form").isEqualTo(400);
                assertThat(r.body()).contains("\"reason\":\"other_purpose\"");
            }
            if (!t.getKey().equals("grid row")) {
                HttpResponse<String> r = post("/products/grid", Map.of("_c4j_rows", t.getValue(),
                        "name[1]", "forged", "price[1]", "1"));
                assertThat(r.statusCode()).as(t.getKey() + " token on the grid").isEqualTo(400);
            }
            if (!t.getKey().equals("selection")) {
                HttpResponse<String> r = post("/products/discontinue", Map.of("_c4j_selected", t.getValue()));
                assertThat(r.statusCode()).as(t.getKey() + " token on the bulk action").isEqualTo(400);
            }
        }
        assertThat(jdbc.queryForMap("SELECT name, price, version FROM product WHERE id = 1"))
                .containsEntry("NAME", "apple").containsEntry("PRICE", 10).containsEntry("VERSION", 1L);

        assertThat(post("/products/1/delete", Map.of("_c4j_token", tokens.get("delete"))).statusCode())
                .isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product WHERE id = 1", Integer.class)).isZero();
    }

    @Test
    void jpaEntityDeleteFormTokenDeletesAndTheEditFormTokenDoesNot() throws Exception {
        jdbc.update("DELETE FROM c4j_spring_book");
        jdbc.update("INSERT INTO c4j_spring_book (id, title, author, price, version) "
                + "VALUES (1, 'Dune', 'Frank Herbert', 10, 0)");
        String edit = WebTestSupport.token(get("/books/1/edit"));
        String delete = WebTestSupport.token(get("/books/1/delete"));

        HttpResponse<String> refused = post("/books/1/delete", Map.of("_c4j_token", edit));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"reason\":\"other_purpose\"", "not for the delete of Book 1");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM c4j_spring_book", Integer.class)).isEqualTo(1);

        assertThat(post("/books/1/delete", Map.of("_c4j_token", delete)).statusCode()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM c4j_spring_book", Integer.class)).isZero();
    }

    @Test
    void tokenForAnOlderVersionOfTheRowIsAStaleWrite409AndForAnotherRowA400() throws Exception {
        String token = WebTestSupport.token(get("/products/1/edit"));
        assertThat(post("/products/1/plain", Map.of("_c4j_token", token, "name", "first")).statusCode())
                .isEqualTo(302);

        HttpResponse<String> replay = post("/products/1/plain", Map.of("_c4j_token", token, "name", "second"));
        assertThat(replay.statusCode()).isEqualTo(409);
        HttpResponse<String> otherRow = post("/products/2/plain", Map.of("_c4j_token", token, "name", "second"));
        assertThat(otherRow.statusCode()).isEqualTo(400);
        assertThat(otherRow.body()).contains("\"reason\":\"other_record\"");

        assertThat(jdbc.queryForObject("SELECT name FROM product WHERE id = 1", String.class)).isEqualTo("first");
        assertThat(jdbc.queryForObject("SELECT name FROM product WHERE id = 2", String.class)).isEqualTo("pear");
    }

    @Test
    void gridRowSubmittedTwiceIsA400AndNothingIsWritten() throws Exception {
        List<String> rows = all(ROW_TOKEN, get("/products"));
        concurrency.table("product").update(1, 1L, Map.of("price", 11));
        jdbc.update("UPDATE product SET price = 10 WHERE id = 1");
        List<String> atVersion2 = all(ROW_TOKEN, get("/products"));

        List<List<Map.Entry<String, String>>> bad = List.of(
                List.of(Map.entry("_c4j_rows", rows.get(1)), Map.entry("_c4j_rows", rows.get(1)),
                        Map.entry("price[2]", "77")),
                List.of(Map.entry("_c4j_rows", rows.get(0)), Map.entry("_c4j_rows", atVersion2.get(0)),
                        Map.entry("price[1]", "77")),
                List.of(Map.entry("_c4j_rows", atVersion2.get(1)), Map.entry("price[2]", "77"),
                        Map.entry("price[2]", "78")));
        for (List<Map.Entry<String, String>> form : bad) {
            HttpResponse<String> r = post("/products/grid", form);
            assertThat(r.statusCode()).as(form.toString()).isEqualTo(400);
            assertThat(r.body()).contains("\"reason\":\"duplicate\"", "submitted more than once");
        }
        List<String> boxes = all(CHECKBOX, get("/products"));
        HttpResponse<String> twice = post("/products/discontinue", List.of(Map.entry("_c4j_selected", boxes.get(0)),
                Map.entry("_c4j_selected", boxes.get(0))));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("\"reason\":\"duplicate\"");

        assertThat(jdbc.queryForList("SELECT price FROM product ORDER BY id", Integer.class)).containsExactly(10, 20);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        return post(path, new ArrayList<>(form.entrySet()));
    }

    private HttpResponse<String> post(String path, List<Map.Entry<String, String>> form) throws Exception {
        return send(http, port, path, form, "application/json");
    }

    static HttpResponse<String> send(HttpClient http, int port, String path, List<Map.Entry<String, String>> form, String accept)
            throws Exception {
        String body = form.stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
