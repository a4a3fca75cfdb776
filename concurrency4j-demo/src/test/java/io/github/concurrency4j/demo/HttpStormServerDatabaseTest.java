package io.github.concurrency4j.demo;

import io.github.concurrency4j.demo.product.ProductRepository;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The storms of {@link HttpStormTest} against the demo started with its PostgreSQL and MariaDB profiles, each on a
 * database of its own created for the run (from {@code C4J_POSTGRES_URL} / {@code C4J_MARIADB_URL}, like
 * {@link ServerDatabaseTest}): on a server the connections really run in parallel, and row locks, MVCC snapshots
 * and the supplier table's real trigger are the server's. The same invariant: every counter grew by exactly the
 * acknowledged edits, no 5xx, no stalled request. Skipped when a server is unreachable, unless CI=true.
 */
class HttpStormServerDatabaseTest {
    private static final String DATABASE = "c4j_storm_test_" + ProcessHandle.current().pid();
    /** Shorter than on H2 (five storms per server): enough for hundreds of requests and dozens of conflicts. */
    private static final Duration DURATION = Duration.ofSeconds(2);

    @Test
    void stormsOnPostgresqlLoseNoAcknowledgedEdit() throws Exception {
        ServerDatabaseTest.onPostgresql(DATABASE, (url, user, password) -> storms("postgresql", url, user, password));
    }

    @Test
    void stormsOnMariadbLoseNoAcknowledgedEdit() throws Exception {
        ServerDatabaseTest.onMariadb(DATABASE, (url, user, password) -> storms("mariadb", url, user, password));
    }

    private static void storms(String profile, String url, String user, String password) throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DemoApplication.class)
                .profiles(profile)
                .run("--server.port=0", "--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                        "--spring.datasource.password=" + password, "--spring.thymeleaf.cache=true")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            DemoTestData data = new DemoTestData(app.getBean(ProductRepository.class), jdbc);
            HttpStormTest.productFormStorm(port, data, jdbc, DURATION);
            HttpStormTest.supplierFormStorm(port, jdbc, DURATION);
            HttpStormTest.customerFormStorm(port, jdbc, DURATION);
            HttpStormTest.restPatchStorm(port, data, DURATION);
            HttpStormTest.gridStorm(port, data, DURATION);
        }
    }
}
