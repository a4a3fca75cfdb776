package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.spring.app.TestApplication;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A disable scope left open by an asynchronous handler must not outlive its request: the pooled thread that ran it
 * serves other users' requests next. One thread in Spring Boot's task pool (which runs MVC's {@code Callable}s and
 * {@code @Async} methods), so that the leaking import and the next user's stale write run on the same thread (each
 * answer names it, and the test checks that it is the same).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1"})
class AsyncDisableScopeLeakHttpTest extends OnProductServer {

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long version() {
        return ((Number) row(1).get("VERSION")).longValue();
    }

    private BigDecimal price() {
        return new BigDecimal(row(1).get("PRICE").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"callable", "web-async-task", "deferred", "future", "async-method"})
    void aScopeLeftOpenByAnAsyncHandlerDoesNotLetTheNextTaskOnItsThreadWriteUnchecked(String kind) throws Exception {
        long before = version();
        HttpResponse<String> leak = post("/async/" + kind + "/1?price=5");
        assertThat(leak.statusCode()).as(leak.body()).isEqualTo(204);
        assertThat(version()).isEqualTo(before + 1);
        assertThat(price()).isEqualByComparingTo("5");

        // Another user's form, opened before the import, still carries the old version: it must be refused.
        HttpResponse<String> stale = post("/async/" + kind + "/1?version=" + before + "&price=9");
        assertThat(stale.headers().firstValue("X-Thread").orElse(null)).as("both on the one task thread")
                .isIn(leak.headers().firstValue("X-Thread").orElseThrow(), null);
        assertThat(stale.statusCode()).as("stale write answered " + stale.statusCode()).isEqualTo(409);
        assertThat(price()).isEqualByComparingTo("5");
        assertThat(version()).isEqualTo(before + 1);

        HttpResponse<String> current = post("/async/" + kind + "/1?version=" + (before + 1) + "&price=9");
        assertThat(current.statusCode()).as(current.body()).isEqualTo(204);
        assertThat(current.headers().firstValue("X-Thread")).contains(leak.headers().firstValue("X-Thread")
                .orElseThrow());
        assertThat(price()).isEqualByComparingTo("9");
        assertThat(version()).isEqualTo(before + 2);
    }
}
