package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.spring.app.BookService;
import io.github.concurrency4j.spring.app.TestApplication;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import jakarta.persistence.OptimisticLockException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A JPA {@code @Version} entity edited through forms, over real HTTP against the embedded server, on H2,
 * PostgreSQL and MariaDB: the classic silent lost update, and how concurrency4j turns it into a 409.
 */
class JpaConflictTest {
    private static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    /**
     * Small on purpose: requests that need a second connection while holding one take all of a small pool and wait
     * for each other until the pool's timeout (10 s here, far more than a request waits in line).
     */
    static final int POOL_SIZE = 3;

    abstract static class OnDatabase {
        @LocalServerPort
        int port;
        @Autowired
        JdbcTemplate jdbc;
        @Autowired
        BookService service;
        @Autowired
        PlatformTransactionManager transactions;

        final HttpClient http = HttpClient.newHttpClient();

        static void server(DynamicPropertyRegistry registry, String name) {
            TestDatabase db = TestDatabases.named(name);
            Assumptions.assumeTrue(TestDatabases.servers().contains(db), name + " is not reachable");
            registry.add("spring.datasource.url", db::url);
            registry.add("spring.datasource.username", db::user);
            registry.add("spring.datasource.password", db::password);
            registry.add("spring.sql.init.mode", () -> "never");
            registry.add("app.jdbc-tables", () -> "false");
        }

        /** The database product this class must run on, as JDBC names it. */
        abstract String product();

        @Test
        void runsOnItsDatabase() throws Exception {
            try (var c = jdbc.getDataSource().getConnection()) {
                assertThat(c.getMetaData().getDatabaseProductName()).containsIgnoringCase(product());
            }
        }

        @BeforeEach
        void book() {
            jdbc.update("DELETE FROM c4j_spring_book");
            jdbc.update("INSERT INTO c4j_spring_book (id, title, author, price, version) "
                    + "VALUES (1, 'Dune', 'Frank Herbert', 10, 0)");
        }

        Map<String, Object> stored() {
            return lower(jdbc.queryForMap("SELECT title, author, price, version FROM c4j_spring_book WHERE id = 1"));
        }

        String editPageToken() throws Exception {
            HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/books/1/edit")).GET().build());
            assertThat(page.statusCode()).isEqualTo(200);
            return token(page.body());
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(uri(path)).header("Accept", HTML)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        }

        Map<String, String> form(String token, String title, int price) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("_c4j_token", token);
            form.put("title", title);
            form.put("price", String.valueOf(price));
            return form;
        }

        private HttpResponse<String> send(HttpRequest request) throws Exception {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        private static Map<String, Object> lower(Map<String, Object> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT),
                    v instanceof Number n ? n.longValue() : v));
            return out;
        }

        @Test
        void naiveLoadCopySaveSilentlyLosesTheOtherUsersUpdate() throws Exception {
            String alice = editPageToken();
            String bob = editPageToken();
            assertThat(post("/books/1", form(alice, "Dune Messiah", 10)).statusCode()).isEqualTo(302);

            // The classic bug, kept as a baseline: Hibernate checks the version it just loaded, not Bob's.
            assertThat(post("/books/1/naive", form(bob, "Dune", 12)).statusCode()).isEqualTo(302);

            assertThat(stored()).containsEntry("title", "Dune").containsEntry("price", 12L);
        }

        @Test
        void staleFormIsA409PageWithTheStoredValuesAndNothingIsLost() throws Exception {
            String alice = editPageToken();
            String bob = editPageToken();
            assertThat(post("/books/1", form(alice, "Dune Messiah", 10)).statusCode()).isEqualTo(302);

            HttpResponse<String> conflict = post("/books/1", form(bob, "Dune (2nd edition)", 12));

            assertThat(conflict.statusCode()).isEqualTo(409);
            assertThat(conflict.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(conflict.body()).contains("This record was changed by someone else", "Dune Messiah",
                    "Dune (2nd edition)", "<tr class=\"overlapping\">").doesNotContain("Frank Herbert");
            assertThat(stored()).containsEntry("title", "Dune Messiah").containsEntry("price", 10L)
                    .containsEntry("version", 1L);
        }

        @Test
        void currentFormSavesAndHibernateBumpsTheVersion() throws Exception {
            String alice = editPageToken();
            assertThat(post("/books/1", form(alice, "Dune Messiah", 11)).statusCode()).isEqualTo(302);
            assertThat(stored()).containsEntry("title", "Dune Messiah").containsEntry("price", 11L)
                    .containsEntry("version", 1L);
        }

        @Test
        void mergedDetachedCopyWithAStaleVersionReachesTheSame409Page() throws Exception {
            String alice = editPageToken();
            String bob = editPageToken();
            assertThat(post("/books/1", form(alice, "Dune Messiah", 10)).statusCode()).isEqualTo(302);

            Map<String, String> form = form(bob, "Dune", 12);
            form.put("author", "F. Herbert");
            HttpResponse<String> conflict = post("/books/1/detached", form);

            assertThat(conflict.statusCode()).isEqualTo(409);
            assertThat(conflict.body()).contains("Dune Messiah");
            assertThat(stored()).containsEntry("title", "Dune Messiah").containsEntry("author", "Frank Herbert");
        }

        @Test
        void tamperedTokenIsA400AndTheEntityIsUnchanged() throws Exception {
            String token = editPageToken();
            String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
            HttpResponse<String> refused = post("/books/1", form(forged, "Hacked", 1));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(stored()).containsEntry("title", "Dune").containsEntry("version", 0L);
        }

        @Test
        void restWritesToTheEntityAreConditionalOnItsVersion() throws Exception {
            HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/api/books/1")).GET().build());
            assertThat(read.headers().firstValue("ETag")).hasValue("\"0\"");
            String body = "{\"title\": \"Dune Messiah\", \"price\": 11}";

            HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/api/books/1")).header("If-Match", "\"0\"")
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(put.statusCode()).isEqualTo(204);
            assertThat(put.headers().firstValue("ETag")).hasValue("\"1\"");

            HttpResponse<String> stale = send(HttpRequest.newBuilder(uri("/api/books/1")).header("If-Match", "\"0\"")
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(stale.statusCode()).isEqualTo(412);
            assertThat(stale.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(stale.headers().firstValue("ETag")).hasValue("\"1\"");

            String other = "{\"title\": \"Dune Messiah\", \"price\": 12}";
            HttpResponse<String> star = send(HttpRequest.newBuilder(uri("/api/books/1")).header("If-Match", "*")
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(other)).build());
            assertThat(star.statusCode()).isEqualTo(204);
            assertThat(stored()).containsEntry("price", 12L).containsEntry("version", 2L);
        }

        @Test
        void manyConcurrentStaleWritesAreAllRefusedWithoutEverNeedingASecondConnection() throws Exception {
            String stale = editPageToken();
            assertThat(post("/books/1", form(editPageToken(), "Dune Messiah", 10)).statusCode()).isEqualTo(302);
            int clients = 4 * POOL_SIZE;
            int perClient = 4;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<List<Integer>>> results = new ArrayList<>();
            long started = System.nanoTime();
            try {
                for (int c = 0; c < clients; c++) {
                    boolean rest = c % 2 == 0;
                    results.add(pool.submit(() -> {
                        List<Integer> statuses = new ArrayList<>();
                        for (int i = 0; i < perClient; i++) {
                            statuses.add(rest ? send(HttpRequest.newBuilder(uri("/api/books/1"))
                                    .header("If-Match", "\"0\"").header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString("{\"title\": \"Stale\", \"price\": 1}"))
                                    .build()).statusCode()
                                    : post("/books/1", form(stale, "Stale", 1)).statusCode());
                        }
                        return statuses;
                    }));
                }
                Map<Integer, Integer> byStatus = new TreeMap<>();
                for (Future<List<Integer>> f : results) {
                    for (int status : f.get(2, TimeUnit.MINUTES)) {
                        byStatus.merge(status, 1, Integer::sum);
                    }
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                // Form writes are refused 409; the REST writes, conditional through If-Match, 412. Nothing else: a
                // pool timeout would be a 500.
                assertThat(byStatus).as("statuses of %d stale writes in %d ms", clients * perClient, millis)
                        .isEqualTo(Map.of(409, clients / 2 * perClient, 412, clients / 2 * perClient));
            } finally {
                pool.shutdownNow();
            }
            assertThat(stored()).containsEntry("title", "Dune Messiah").containsEntry("version", 1L);
        }

        @Test
        void saveRacingBetweenLoadAndFlushIsCaughtByHibernatesVersionCheck() {
            TransactionTemplate tx = new TransactionTemplate(transactions);
            TransactionTemplate other = new TransactionTemplate(transactions);
            other.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);

            Throwable thrown = catchThrowable(() -> tx.executeWithoutResult(status ->
                    service.saveWithInterleavedWrite(1, 0, "Mine", () -> CompletableFuture.runAsync(() ->
                            other.executeWithoutResult(s -> jdbc.update(
                                    "UPDATE c4j_spring_book SET title = 'Theirs', version = version + 1 WHERE id = 1")))
                            .join())));

            assertThat(thrown).isInstanceOfAny(OptimisticLockException.class,
                    ObjectOptimisticLockingFailureException.class);
            assertThat(stored()).containsEntry("title", "Theirs").containsEntry("version", 1L);
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE,
                    "spring.datasource.hikari.connection-timeout=10000"})
    class H2 extends OnDatabase {
        @Override
        String product() {
            return "h2";
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE,
                    "spring.datasource.hikari.connection-timeout=10000"})
    class PostgreSQL extends OnDatabase {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            server(registry, "postgresql");
        }

        @Override
        String product() {
            return "postgresql";
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE,
                    "spring.datasource.hikari.connection-timeout=10000"})
    class MariaDB extends OnDatabase {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            server(registry, "mariadb");
        }

        @Override
        String product() {
            return "mariadb";
        }
    }
}
