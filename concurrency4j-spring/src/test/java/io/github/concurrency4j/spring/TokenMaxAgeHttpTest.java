package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.spring.app.TestApplication;
import io.github.concurrency4j.token.TokenPurpose;
import io.github.concurrency4j.token.VersionTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** The application with {@code concurrency4j.signing.max-age=2h}, over real HTTP: an old form is refused. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "concurrency4j.signing.max-age=2h")
class TokenMaxAgeHttpTest extends OnProductServer {
    private static final String SECRET = "web-test-secret-0123456789abcdef";

    @Test
    void tokenOlderThanTheMaximumAgeIsA400ThisFormExpiredAndAFreshOneWorks() throws Exception {
        Instant threeHoursAgo = Instant.now().minus(Duration.ofHours(3));
        String old = VersionTokens.ofStrings(List.of(SECRET))
                .withClock(Clock.fixed(threeHoursAgo, ZoneOffset.UTC))
                .sign(TokenPurpose.EDIT, "product", 1, 1, Map.of());

        HttpResponse<String> r = save(old, "late", "application/json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"reason\":\"expired\"", "This form expired", "more than 2 hours ago",
                "Reload it");
        HttpResponse<String> page = save(old, "late", "text/html");
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("This form expired");
        assertThat(jdbc.queryForObject("SELECT name FROM product WHERE id = 1", String.class)).isEqualTo("apple");

        String fresh = WebTestSupport.token(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/products/1/edit")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(save(fresh, "on time", "text/html").statusCode()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT name FROM product WHERE id = 1", String.class))
                .isEqualTo("on time");
    }

    private HttpResponse<String> save(String token, String name, String accept) throws Exception {
        return TokenPurposeHttpTest.send(http, port, "/products/1/plain",
                List.of(Map.entry("_c4j_token", token), Map.entry("name", name)), accept);
    }
}
