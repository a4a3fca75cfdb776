package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The default H2 database is a file: the first start seeds it, a restart keeps what was changed. */
class RestartKeepsDataTest {

    @Test
    void restartKeepsEditsAndDoesNotSeedAgain(@TempDir Path dir) {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("demo") + ";AUTO_SERVER=TRUE";
        try (ConfigurableApplicationContext first = start(url)) {
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product", Integer.class)).isEqualTo(6);
            jdbc.update("UPDATE product SET name = 'Renamed before restart' WHERE sku = 'OAK-SHELF'");
        }
        try (ConfigurableApplicationContext second = start(url)) {
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product", Integer.class)).isEqualTo(6);
            Map<String, Object> oak = jdbc.queryForMap("SELECT name FROM product WHERE sku = 'OAK-SHELF'");
            assertThat(oak.get("NAME")).isEqualTo("Renamed before restart");
        }
    }

    private static ConfigurableApplicationContext start(String url) {
        return new SpringApplicationBuilder(DemoApplication.class).run("--server.port=0", url);
    }
}
