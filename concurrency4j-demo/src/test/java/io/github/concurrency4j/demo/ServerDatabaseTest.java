package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo started with its PostgreSQL and MariaDB profiles, each on a database of its own created afresh: the
 * schema, the supplier trigger (in that dialect) and the seed data come up, an outside write is caught, a stale
 * REST write is 412 and a guarded bulk delete is refused. Skipped when a server is unreachable, unless CI=true.
 */
class ServerDatabaseTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    @Test
    void runsOnPostgresql() throws Exception {
        String admin = "jdbc:postgresql://127.0.0.1:5432/concurrency4j_test";
        recreate(admin, "postgres", "DROP DATABASE IF EXISTS concurrency4j_demo_test WITH (FORCE)",
                "CREATE DATABASE concurrency4j_demo_test");
        exercise("postgresql", "jdbc:postgresql://127.0.0.1:5432/concurrency4j_demo_test", "postgres");
    }

    @Test
    void runsOnMariadb() throws Exception {
        String admin = "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test";
        recreate(admin, "root", "DROP DATABASE IF EXISTS concurrency4j_demo_test",
                "CREATE DATABASE concurrency4j_demo_test");
        exercise("mariadb", "jdbc:mariadb://127.0.0.1:3306/concurrency4j_demo_test", "root");
    }

    private static void recreate(String adminUrl, String user, String... statements) {
        try (Connection c = DriverManager.getConnection(adminUrl, user, "");
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            if (CI) {
                throw new AssertionError("CI=true needs the database server behind " + adminUrl, e);
            }
            Assumptions.abort("No database server at " + adminUrl + ": " + e.getMessage());
        }
    }

    private static void exercise(String profile, String url, String user) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DemoApplication.class)
                .profiles(profile)
                .run("--server.port=0", "--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                        "--spring.datasource.password=", "--spring.thymeleaf.cache=true")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            String base = "http://localhost:" + port;
            FormSession http = new FormSession(base, HttpClient.Redirect.NORMAL);

            // Seeded: supplier 1 and product 1 exist at version 1.
            String form = get(http, "/suppliers/1/edit");
            String token = first(form, "name=\"_c4j_token\" value=\"([^\"]+)\"");

            // An outside write over a connection of its own: the trigger bumps the version ...
            String panel = http.post("/outside", "statement=SUPPLIER_CONTACT&id=1").body();
            assertThat(panel).contains("went from version 1 to 2");
            // ... so the form opened before it is refused when it changes the same field.
            HttpResponse<String> stale = http.post("/suppliers/1/edit",
                    "name=Nordic+Timber+Co.&contact_name=Someone+else&phone=%2B46+8+555+0101&rating=4&_c4j_token="
                            + URLEncoder.encode(token, StandardCharsets.UTF_8));
            assertThat(stale.statusCode()).isEqualTo(409);
            assertThat(stale.body()).contains("Night-shift DBA");

            // REST: a stale If-Match is 412.
            HttpResponse<String> patch = http.send(HttpRequest.newBuilder(URI.create(base + "/api/products/1"))
                    .header("If-Match", "\"0\"").header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"stock\": 1}")));
            assertThat(patch.statusCode()).isEqualTo(412);

            // A guarded bulk delete whose selection went stale deletes nothing.
            String list = get(http, "/products");
            String selected = first(list, "name=\"selected\" value=\"([^\"]+)\"");
            http.post("/outside", "statement=PRODUCT_RECOUNT&id=1");
            String after = http.post("/products",
                    "op=delete&selected=" + URLEncoder.encode(selected, StandardCharsets.UTF_8)).body();
            assertThat(after).contains("Nothing was deleted").contains("id=\"row-1\"");
        }
    }

    private static String get(FormSession http, String path) throws Exception {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private static String first(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
