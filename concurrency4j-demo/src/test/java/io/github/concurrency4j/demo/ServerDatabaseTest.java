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
    /** One database per run (the process id), so that two runs on the same server never share one. */
    private static final String DATABASE = "c4j_demo_test_" + ProcessHandle.current().pid();

    @Test
    void runsOnPostgresql() throws Exception {
        String admin = env("C4J_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/concurrency4j_test");
        String user = env("C4J_POSTGRES_USER", "postgres");
        String password = env("C4J_POSTGRES_PASSWORD", "");
        run(admin, user, password, "CREATE DATABASE " + DATABASE, "DROP DATABASE IF EXISTS " + DATABASE
                + " WITH (FORCE)", () -> exercise("postgresql", withDatabase(admin, DATABASE), user, password));
    }

    @Test
    void runsOnMariadb() throws Exception {
        String admin = env("C4J_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/concurrency4j_test");
        String user = env("C4J_MARIADB_USER", "root");
        String password = env("C4J_MARIADB_PASSWORD", "");
        run(admin, user, password, "CREATE DATABASE " + DATABASE, "DROP DATABASE IF EXISTS " + DATABASE,
                () -> exercise("mariadb", withDatabase(admin, DATABASE), user, password));
    }

    /** The same server and options as {@code url}, another database: the last path segment replaced. */
    static String withDatabase(String url, String database) {
        int query = url.indexOf('?') < 0 ? url.length() : url.indexOf('?');
        int slash = url.lastIndexOf('/', query - 1);
        if (slash < 0 || url.indexOf("//") < 0 || slash <= url.indexOf("//") + 1) {
            throw new IllegalArgumentException("Cannot tell the database of " + url + ": expected jdbc:...//host/db");
        }
        return url.substring(0, slash + 1) + database + url.substring(query);
    }

    private interface Exercise {
        void run() throws Exception;
    }

    /** Creates the run's database through the admin URL, exercises the demo on it, and drops it in any case. */
    private static void run(String adminUrl, String user, String password, String create, String drop,
                            Exercise exercise) throws Exception {
        admin(adminUrl, user, password, drop, create);
        try {
            exercise.run();
        } finally {
            admin(adminUrl, user, password, drop);
        }
    }

    private static void admin(String adminUrl, String user, String password, String... statements) {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
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

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void exercise(String profile, String url, String user, String password) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DemoApplication.class)
                .profiles(profile)
                .run("--server.port=0", "--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                        "--spring.datasource.password=" + password, "--spring.thymeleaf.cache=true")) {
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
            String selected = first(list, "name=\"_c4j_selected\" value=\"([^\"]+)\"");
            http.post("/outside", "statement=PRODUCT_RECOUNT&id=1");
            String after = http.post("/products/delete-selected",
                    "_c4j_selected=" + URLEncoder.encode(selected, StandardCharsets.UTF_8)).body();
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
