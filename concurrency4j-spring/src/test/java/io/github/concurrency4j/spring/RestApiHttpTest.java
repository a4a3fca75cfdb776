package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.concurrency4j.spring.app.TestApplication;
import java.net.URI;
import java.sql.Connection;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The REST API as a client uses it, over real HTTP: what a GET answers can be PUT back; every client mistake is a
 * 400 problem document naming the field; If-Match is read exactly as RFC 9110 writes it; and no response, JSON or
 * HTML, shows SQL, a Java type name or a stack trace. Each write check also reads the row back.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // A short lock timeout, so that a write blocked by another transaction's row lock is aborted within a second.
        properties = "spring.datasource.url=jdbc:h2:mem:c4j-rest-${random.uuid};DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=1000")
class RestApiHttpTest extends OnProductServer {
    private static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    /** What must never appear in a response body: SQL, Java packages and exception names, stack frames. */
    static final List<String> LEAKS = List.of("SELECT", "UPDATE ", "INSERT ", "java.", "Exception", "org.",
            "\tat ", "jdbc");

    final ObjectMapper json = new ObjectMapper();

    @Test
    void whatAGetAnswersCanBePutBackWithItsETag() throws Exception {
        HttpResponse<String> read = send(get("/api/products/1"));
        assertThat(read.statusCode()).isEqualTo(200);
        String etag = read.headers().firstValue("ETag").orElseThrow();
        assertThat(json.readTree(read.body()).has("id")).isTrue();
        assertThat(json.readTree(read.body()).has("version")).isTrue();

        HttpResponse<String> put = send(put("/api/products/1", etag, read.body()));

        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        assertThat(put.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("PRICE", 10).containsEntry("VERSION", 2L);

        String changed = read.body().replace("\"apple\"", "\"green apple\"").replace("\"version\":1", "\"version\":2");
        assertThat(send(put("/api/products/1", "\"2\"", changed)).statusCode()).isEqualTo(204);
        assertThat(row(1)).containsEntry("NAME", "green apple").containsEntry("VERSION", 3L);
    }

    @Test
    void aKeyInTheBodyOtherThanThePathsIsA400NamingIt() throws Exception {
        HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"id\": 2, \"name\": \"moved\"}"));
        assertProblem(r, 400, "id");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
        assertThat(row(2)).containsEntry("NAME", "pear").containsEntry("VERSION", 1L);
    }

    @Test
    void aVersionInTheBodyOtherThanIfMatchIsA400NamingIt() throws Exception {
        HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"version\": 7, \"name\": \"x\"}"));
        assertProblem(r, 400, "version");
        assertThat(json.readTree(r.body()).path("detail").asText()).contains("If-Match");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    @Test
    void anUnknownFieldIsA400NamingItAndNothingIsWritten() throws Exception {
        HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"name\": \"x\", \"colour\": \"red\"}"));
        assertProblem(r, 400, "colour");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    /**
     * A field given twice in spellings that differ only in case names one column: before, the later value was written
     * and the write answered 204, a guess at what the client meant. The version given so twice is refused the same.
     */
    @Test
    void aFieldGivenTwiceInDifferentCaseIsA400NamingItAndNothingIsWritten() throws Exception {
        HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"name\": \"x\", \"NAME\": \"y\"}"));
        assertProblem(r, 400, "NAME");
        assertThat(json.readTree(r.body()).path("detail").asText()).contains("'name' and 'NAME'");
        HttpResponse<String> versions = send(put("/api/products/1", "\"1\"",
                "{\"version\": 1, \"Version\": 1, \"name\": \"x\"}"));
        assertProblem(versions, 400, "Version");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    /**
     * A JSON body that names a member twice: Jackson reads the last value by default, and the PUT wrote "y" and
     * answered 204. Refused now as a 400 naming the member; the version given twice the same.
     */
    @Test
    void aMemberGivenTwiceInTheJsonIsA400NamingItAndNothingIsWritten() throws Exception {
        HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"name\": \"x\", \"name\": \"y\"}"));
        assertProblem(r, 400, "name");
        assertThat(json.readTree(r.body()).path("detail").asText()).contains("more than once");
        HttpResponse<String> versions = send(put("/api/products/1", "\"1\"",
                "{\"version\": 1, \"name\": \"x\", \"version\": 1}"));
        assertProblem(versions, 400, "version");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    @Test
    void aValueLongerThanItsColumnIsA400NamingTheFieldAndTheLimitFromTheSchema() throws Exception {
        HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"name\": \"" + "n".repeat(201) + "\"}"));
        JsonNode problem = assertProblem(r, 400, "name");
        assertThat(problem.path("limit").asInt()).isEqualTo(200);
        assertThat(problem.path("detail").asText()).contains("200");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    @Test
    void numbersOutOfTheColumnsRangeOrNotNumbersAre400sNamingTheField() throws Exception {
        for (String body : List.of("{\"price\": 3000000000}", "{\"price\": 1e300000}", "{\"price\": \"1e300000\"}",
                "{\"price\": \"ten\"}", "{\"price\": 1.5}", "{\"price\": {\"amount\": 1}}")) {
            HttpResponse<String> r = send(put("/api/products/1", "\"1\"", body));
            assertProblem(r, 400, "price");
        }
        assertThat(row(1)).containsEntry("PRICE", 10).containsEntry("VERSION", 1L);
    }

    @Test
    void aNumberTheSharedGuardRefusesIsA400ProblemNamingTheField() throws Exception {
        for (String body : List.of("{\"price\": \"1e300000\"}", "{\"price\": 1234567}")) {
            HttpResponse<String> r = send(put("/api/products/1/price", "\"1\"", body));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json.readTree(r.body()).path("field").asText()).isEqualTo("price");
            assertNoLeak(r);
        }
        assertThat(send(put("/api/products/1/price", "\"1\"", "{\"price\": 12}")).statusCode()).isEqualTo(204);
        assertThat(row(1)).containsEntry("PRICE", 12).containsEntry("VERSION", 2L);
    }

    @Test
    void brokenJsonAndALetterForANumericKeyAre400Problems() throws Exception {
        assertProblem(send(put("/api/products/1", "\"1\"", "{\"name\": ")), 400, null);
        assertProblem(send(put("/api/products/abc", "\"1\"", "{\"name\": \"x\"}")), 400, "id");
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    @Test
    void malformedIfMatchIsA400ProblemAndLookalikeTagsDoNotMatch() throws Exception {
        for (String ifMatch : List.of("\"1\"x", "\"stale\", *", "1", "W/ \"1\"", "\"1")) {
            assertProblem(send(put("/api/products/1", ifMatch, "{\"name\": \"x\"}")), 400, null);
        }
        for (String ifMatch : List.of("\"+1\"", "\"01\"", "W/\"1\"", "\"7\", W/\"1\"")) {
            HttpResponse<String> r = send(put("/api/products/1", ifMatch, "{\"name\": \"x\"}"));
            assertThat(r.statusCode()).as("If-Match: %s", ifMatch).isEqualTo(412);
            assertNoLeak(r);
        }
        assertThat(send(put("/api/products/1", "\"7\", \"1\"", "{\"name\": \"listed\"}")).statusCode())
                .isEqualTo(204);
        assertThat(row(1)).containsEntry("NAME", "listed").containsEntry("VERSION", 2L);
    }

    @Test
    void aJsonClientGetsProblemJsonAndABrowserAPageWithoutInternals() throws Exception {
        HttpResponse<String> api = send(HttpRequest.newBuilder(uri("/api/products/abc"))
                .header("Accept", "application/json").GET().build());
        assertThat(api.statusCode()).isEqualTo(400);
        assertThat(api.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertNoLeak(api);

        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/api/products/abc"))
                .header("Accept", HTML).GET().build());
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertNoLeak(page);
    }

    @Test
    void aValueTheDatabaseRefusesOnAFormWriteIsA400PageWithoutSql() throws Exception {
        String token = WebTestSupport.token(send(HttpRequest.newBuilder(uri("/products/1/edit"))
                .header("Accept", HTML).GET().build()).body());
        String form = "_c4j_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&name=" + "n".repeat(300);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/products/1/plain")).header("Accept", HTML)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("at most 200 characters long, but was 300");
        assertNoLeak(r);
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    @Test
    void aWriteTheDatabaseAbortsIsA409SayingNothingWasSavedAndToRetry() throws Exception {
        try (Connection holder = jdbc.getDataSource().getConnection()) {
            holder.setAutoCommit(false);
            // Another transaction holds the row: the API's write waits for the lock until H2 aborts it.
            try (var st = holder.createStatement()) {
                st.executeUpdate("UPDATE product SET name = 'held', version = 2 WHERE id = 1");
            }
            HttpResponse<String> r = send(put("/api/products/1", "\"1\"", "{\"name\": \"mine\"}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            JsonNode problem = json.readTree(r.body());
            assertThat(problem.path("type").asText()).endsWith("transaction-aborted");
            assertThat(problem.path("detail").asText()).contains("Nothing was saved").contains("again");
            assertNoLeak(r);
            holder.rollback();
        }
        assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
    }

    private JsonNode assertProblem(HttpResponse<String> r, int status, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("detail").asText()).contains("Nothing was written");
        if (field != null) {
            assertThat(problem.path("field").asText()).isEqualTo(field);
            assertThat(problem.path("detail").asText()).contains("'" + field + "'");
        }
        assertNoLeak(r);
        return problem;
    }

    static void assertNoLeak(HttpResponse<String> r) {
        for (String leak : LEAKS) {
            assertThat(r.body()).as("%s %s answered %d", r.request().method(), r.request().uri(), r.statusCode())
                    .doesNotContain(leak);
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").GET().build();
    }

    private HttpRequest put(String path, String ifMatch, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").header("If-Match", ifMatch)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
