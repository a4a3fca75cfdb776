package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.spring.app.TestApplication;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A JPA entity's table with a trigger version, created at startup from properties: a write made outside the
 * application (a SQL console) bumps the version, so a form opened before it is refused; Hibernate's own writes
 * stay in step with the trigger. On H2, PostgreSQL and MariaDB.
 */
class JpaTriggerVersionTest {
    private static final String PROPERTIES = "concurrency4j.tables.c4j_spring_book.strategy=trigger";

    abstract static class OnDatabase {
        @LocalServerPort
        int port;
        @Autowired
        JdbcTemplate jdbc;
        @Autowired
        Concurrency concurrency;

        final HttpClient http = HttpClient.newHttpClient();

        abstract TestDatabase database();

        static void server(DynamicPropertyRegistry registry, String name) {
            TestDatabase db = TestDatabases.named(name);
            Assumptions.assumeTrue(TestDatabases.servers().contains(db), name + " is not reachable");
            registry.add("spring.datasource.url", db::url);
            registry.add("spring.datasource.username", db::user);
            registry.add("spring.datasource.password", db::password);
            registry.add("spring.sql.init.mode", () -> "never");
            registry.add("app.jdbc-tables", () -> "false");
        }

        @BeforeEach
        void book() {
            jdbc.update("DELETE FROM c4j_spring_book");
            jdbc.update("INSERT INTO c4j_spring_book (id, title, author, price, version) "
                    + "VALUES (1, 'Dune', 'Frank Herbert', 10, 0)");
        }

        long version() {
            return jdbc.queryForObject("SELECT version FROM c4j_spring_book WHERE id = 1", Long.class);
        }

        String editPageToken() throws Exception {
            return token(http.send(HttpRequest.newBuilder(uri("/books/1/edit")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }

        HttpResponse<String> save(String token, String title, int price) throws Exception {
            String body = Map.of("_c4j_token", token, "title", title, "price", String.valueOf(price)).entrySet()
                    .stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return http.send(HttpRequest.newBuilder(uri("/books/1")).header("Accept", "text/html")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        @Test
        void triggerWasCreatedAtStartupForTheEntityTable() {
            assertThat(concurrency.table("c4j_spring_book").declaration().strategy())
                    .isEqualTo(VersionStrategy.trigger());
            assertThat(concurrency.triggers().find(TriggerTarget.of("c4j_spring_book", "version"))).isPresent();
        }

        @Test
        void writeFromOutsideTheApplicationMakesAnOpenFormStale() throws Exception {
            String token = editPageToken();
            try (Connection console = database().rawConnection(); Statement s = console.createStatement()) {
                s.executeUpdate("UPDATE c4j_spring_book SET price = 99 WHERE id = 1");
            }
            assertThat(version()).isEqualTo(1);

            HttpResponse<String> refused = save(token, "Dune", 12);

            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("99");
            assertThat(jdbc.queryForObject("SELECT price FROM c4j_spring_book WHERE id = 1", Integer.class))
                    .isEqualTo(99);
        }

        @Test
        void hibernateWritesStayInStepWithTheTrigger() throws Exception {
            assertThat(save(editPageToken(), "Dune Messiah", 11).statusCode()).isEqualTo(302);
            assertThat(version()).isEqualTo(1);
            assertThat(save(editPageToken(), "Children of Dune", 12).statusCode()).isEqualTo(302);
            assertThat(version()).isEqualTo(2);
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {PROPERTIES, "concurrency4j.triggers.auto-create=true"})
    class H2 extends OnDatabase {
        @Autowired
        javax.sql.DataSource dataSource;

        @Override
        TestDatabase database() {
            // The application's own in-memory database, reached through a second connection as a console would.
            return null;
        }

        @Override
        @Test
        void writeFromOutsideTheApplicationMakesAnOpenFormStale() throws Exception {
            String token = editPageToken();
            try (Connection console = dataSource.getConnection(); Statement s = console.createStatement()) {
                s.executeUpdate("UPDATE c4j_spring_book SET price = 99 WHERE id = 1");
            }
            assertThat(version()).isEqualTo(1);
            HttpResponse<String> refused = save(token, "Dune", 12);
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("99");
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {PROPERTIES, "concurrency4j.triggers.auto-create=true"})
    class PostgreSQL extends OnDatabase {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            server(registry, "postgresql");
        }

        @Override
        TestDatabase database() {
            return TestDatabases.named("postgresql");
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {PROPERTIES, "concurrency4j.triggers.auto-create=true"})
    class MariaDB extends OnDatabase {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            server(registry, "mariadb");
        }

        @Override
        TestDatabase database() {
            return TestDatabases.named("mariadb");
        }
    }
}
