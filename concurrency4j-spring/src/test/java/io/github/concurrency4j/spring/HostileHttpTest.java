package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.concurrency4j.spring.app.TestApplication;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Hostile requests against the REST API and the forms, over real HTTP, beyond what {@link RestApiHttpTest},
 * {@code IfMatchHeaderTest} and {@link TokenPurposeHttpTest} cover: versions spelled every way but the right one,
 * in If-Match and in the body; If-Match split over several header lines; altered and misplaced tokens; wrong
 * content types, HEAD, OPTIONS, method overrides and large bodies. Each one is a 4xx that says what happened and
 * changes nothing in the table (checked after each test); a valid request still saves.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileHttpTest extends OnProductServer {
    private final ObjectMapper json = new ObjectMapper();
    private boolean wroteOnPurpose;

    @AfterEach
    void nothingWasWritten() {
        if (!wroteOnPurpose) {
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("PRICE", 10).containsEntry("VERSION", 1L);
            assertThat(row(2)).containsEntry("NAME", "pear").containsEntry("VERSION", 1L);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder put(String body) {
        return HttpRequest.newBuilder(uri("/api/products/1")).header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> putJson(String ifMatch, String body) throws Exception {
        return send(put(body).header("Content-Type", "application/json").header("If-Match", ifMatch).build());
    }

    /** A 4xx problem document whose detail says what happened and what to do, without internals. */
    private JsonNode assertRefused(HttpResponse<String> r, int status, String what) throws Exception {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(what)
                .startsWith("application/problem+json");
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.path("detail").asText()).as(what).isNotBlank();
        RestApiHttpTest.assertNoLeak(r);
        return problem;
    }

    @Test
    void versionsInIfMatchSpelledAnyOtherWayThanTheVersionsOwnAre412Or400() throws Exception {
        for (String ifMatch : List.of("\"1.0\"", "\"01\"", "\"1e0\"", "\"-1\"", "\"+1\"", "\"0x1\"",
                "\"9223372036854775808\"", "\"99999999999999999999999999\"", "\"-9223372036854775808\"",
                "W/\"1\"", "\"7\", W/\"1\"")) {
            JsonNode p = assertRefused(putJson(ifMatch, "{\"name\": \"x\"}"), 412, "If-Match: " + ifMatch);
            assertThat(p.path("detail").asText()).contains("Nothing was written");
        }
        for (String ifMatch : List.of("\" 1\"", "\"1 \"", "1", "\"1\" \"1\"", "*, \"1\"", "\"1\", *", "W/1",
                "\"\"1\"\"", "'1'")) {
            JsonNode p = assertRefused(putJson(ifMatch, "{\"name\": \"x\"}"), 400, "If-Match: " + ifMatch);
            assertThat(p.path("detail").asText()).contains("Nothing was written");
        }
    }

    @Test
    void nonAsciiDigitsInIfMatchDoNotMatch() throws Exception {
        // Arabic-Indic one (U+0661) as UTF-8 bytes on the wire: Java's HTTP client refuses to send them.
        String body = "{\"name\": \"x\"}";
        String answer = raw("PUT /api/products/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                + "Content-Type: application/json\r\nIf-Match: \"\u0661\"\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(answer).startsWith("HTTP/1.1 412");
    }

    /** Sends bytes as they are (UTF-8), answers the response as ISO-8859-1 text. */
    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void ifMatchOverSeveralHeaderLinesIsOneListAndAMalformedLineIsA400() throws Exception {
        assertRefused(send(put("{\"name\": \"x\"}").header("Content-Type", "application/json")
                .header("If-Match", "\"1\"").header("If-Match", "garbage").build()), 400, "a malformed second line");
        assertRefused(send(put("{\"name\": \"x\"}").header("Content-Type", "application/json")
                .header("If-Match", "*").header("If-Match", "\"7\"").build()), 400, "* and a tag on two lines");
        assertRefused(send(put("{\"name\": \"x\"}").header("Content-Type", "application/json")
                .header("If-Match", "\"7\"").header("If-Match", "W/\"1\"").build()), 412, "no strong match");
    }

    @Test
    void aVersionInTheBodyThatIsNotTheIfMatchVersionAsAWholeNumberIsA400NamingIt() throws Exception {
        for (String version : List.of("\"1\"", "\"1.0\"", "1.0", "1e0", "null", "{\"value\": 1}", "[1]", "true",
                "-1", "99999999999999999999", "\"\u0661\"", "\" 1\"", "\"01\"")) {
            JsonNode p = assertRefused(putJson("\"1\"", "{\"version\": " + version + ", \"name\": \"x\"}"), 400,
                    "version " + version);
            assertThat(p.path("field").asText()).isEqualTo("version");
            assertThat(p.path("detail").asText()).contains("'version'").contains("Nothing was written");
        }
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsA400() throws Exception {
        for (String body : List.of("", "null", "[]", "[{\"name\": \"x\"}]", "\"name\"", "1",
                "{\"name\": \"x\"} {\"name\": \"y\"}", "{\"name\": \"x\"", "{\"name\": \"x\",}")) {
            HttpResponse<String> r = putJson("\"1\"", body);
            assertRefused(r, 400, "body " + body);
        }
    }

    @Test
    void aBodyOfAnotherContentTypeIsA415SayingWhichOneToSend() throws Exception {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml",
                "multipart/form-data; boundary=x")) {
            HttpResponse<String> r = send(put("{\"name\": \"x\"}").header("Content-Type", type)
                    .header("If-Match", "\"1\"").build());
            JsonNode p = assertRefused(r, 415, "Content-Type " + type);
            assertThat(p.path("detail").asText()).as(type).contains("application/json");
        }
        HttpResponse<String> none = send(put("{\"name\": \"x\"}").header("If-Match", "\"1\"").build());
        assertThat(none.statusCode()).isEqualTo(415);
    }

    @Test
    void aVeryLargeBodyIsA4xxAndNothingIsWritten() throws Exception {
        HttpResponse<String> longName = putJson("\"1\"", "{\"name\": \"" + "n".repeat(5_000_000) + "\"}");
        assertRefused(longName, 400, "a 5 MB name");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 200_000; i++) {
            many.append("\"f").append(i).append("\": 1,");
        }
        many.append("\"name\": \"x\"}");
        assertRefused(putJson("\"1\"", many.toString()), 400, "200,000 members");
    }

    @Test
    void headAndOptionsChangeNothingAndWriteMethodsOverriddenByHeaderOrParameterAreRefused() throws Exception {
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/api/products/1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(head.body()).isEmpty();
        HttpResponse<String> options = send(HttpRequest.newBuilder(uri("/api/products/1"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Allow").orElse("")).contains("PUT");
        HttpResponse<String> headWrite = send(HttpRequest.newBuilder(uri("/products/1/plain"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(headWrite.statusCode()).isEqualTo(405);

        for (String override : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/products/1"))
                    .header("Accept", "application/json").header("Content-Type", "application/json")
                    .header(override, "PUT").header("If-Match", "\"1\"")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"x\"}")).build());
            JsonNode p = assertRefused(r, 405, override);
            assertThat(p.path("detail").asText()).contains("PUT");
        }
        HttpResponse<String> param = send(HttpRequest.newBuilder(uri("/api/products/1"))
                .header("Accept", "application/json").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_method=DELETE")).build());
        assertRefused(param, 405, "_method=DELETE");
        HttpResponse<String> delete = send(HttpRequest.newBuilder(uri("/api/products/1"))
                .header("Accept", "application/json").DELETE().build());
        assertRefused(delete, 428, "DELETE without If-Match");
    }

    // ----- forms

    private String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET().build()).body();
    }

    private HttpResponse<String> postForm(String path, List<Map.Entry<String, String>> fields) throws Exception {
        String body = fields.stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String flip(String s, int at) {
        char c = s.charAt(at);
        return s.substring(0, at) + (c == 'A' ? 'B' : 'A') + s.substring(at + 1);
    }

    @Test
    void alteredTruncatedPaddedAndMisplacedTokensAre400s() throws Exception {
        String token = WebTestSupport.token(get("/products/1/edit"));
        jdbc.update("DELETE FROM c4j_spring_book");
        jdbc.update("INSERT INTO c4j_spring_book (id, title, author, price, version) "
                + "VALUES (1, 'Dune', 'Frank Herbert', 10, 1)");
        String bookToken = WebTestSupport.token(get("/books/1/edit"));
        int dot = token.lastIndexOf('.');
        List<String> bad = List.of(flip(token, 0), flip(token, dot / 2), flip(token, dot - 1), flip(token, dot + 1),
                flip(token, token.length() - 1), token.substring(0, token.length() - 1), token + "=", token + "A",
                " " + token, token + " ", token.replace('-', '+').replace('_', '/'), token.toUpperCase(),
                token.substring(0, dot), token.substring(dot), "", ".", "..", "...", "a.b.c", bookToken,
                token + "." + token);
        for (String t : bad) {
            if (t.equals(token)) {
                continue;
            }
            HttpResponse<String> r = postForm("/products/1/plain", List.of(Map.entry("_c4j_token", t),
                    Map.entry("name", "forged")));
            assertThat(r.statusCode()).as("token %s: %s", t, r.body()).isEqualTo(400);
            RestApiHttpTest.assertNoLeak(r);
        }
        HttpResponse<String> none = postForm("/products/1/plain", List.of(Map.entry("name", "forged")));
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT title FROM c4j_spring_book WHERE id = 1", String.class))
                .isEqualTo("Dune");
    }

    /** A form past Tomcat's form size limit (2 MB) reaches the controller without any parameter. */
    @Test
    void aFormLargerThanTheServerReadsIsA413SayingSo() throws Exception {
        String token = WebTestSupport.token(get("/products/1/edit"));
        HttpResponse<String> r = postForm("/products/1/plain", List.of(Map.entry("_c4j_token", token),
                Map.entry("name", "n".repeat(3_000_000))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("too large").contains("Nothing was written");
        RestApiHttpTest.assertNoLeak(r);

        String grid = get("/products");
        HttpResponse<String> rows = postForm("/products/grid", List.of(
                Map.entry("_c4j_rows", WebTestSupport.all(WebTestSupport.ROW_TOKEN, grid).get(0)),
                Map.entry("name[1]", "n".repeat(3_000_000)), Map.entry("price[1]", "1")));
        assertThat(rows.statusCode()).as(rows.body()).isEqualTo(413);
        assertThat(rows.body()).contains("too large").contains("Nothing was written");
    }

    @Test
    void aTokenGivenTwiceWithAnotherValueOrBesideAVersionFieldIsRefused() throws Exception {
        String token = WebTestSupport.token(get("/products/1/edit"));
        String other = WebTestSupport.token(get("/products/2/edit"));
        HttpResponse<String> two = postForm("/products/1/plain", List.of(Map.entry("_c4j_token", token),
                Map.entry("_c4j_token", other), Map.entry("name", "forged")));
        assertThat(two.statusCode()).isEqualTo(400);
        HttpResponse<String> empty = postForm("/products/1/plain", List.of(Map.entry("_c4j_token", token),
                Map.entry("_c4j_token", ""), Map.entry("name", "forged")));
        assertThat(empty.statusCode()).isEqualTo(400);
    }

    @Test
    void aValidFormAndAValidPutStillSave() throws Exception {
        wroteOnPurpose = true;
        String token = WebTestSupport.token(get("/products/1/edit"));
        HttpResponse<String> form = postForm("/products/1/plain", List.of(Map.entry("_c4j_token", token),
                Map.entry("name", "kept")));
        assertThat(form.statusCode()).isEqualTo(302);
        assertThat(row(1)).containsEntry("NAME", "kept").containsEntry("VERSION", 2L);
        HttpResponse<String> put = putJson("\"2\"", "{\"version\": 2, \"name\": \"put\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        assertThat(row(1)).containsEntry("NAME", "put").containsEntry("VERSION", 3L);
    }
}
