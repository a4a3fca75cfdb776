package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.spring.app.TestApplication;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A handler that leaves a disable scope open on its server thread must not switch checks off for the next request
 * that thread serves: the auto-configured outermost filter closes it. One server thread, so that both requests
 * run on the same one (each answer names its thread, and the test checks that it is the same).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1"})
class DisableScopeLeakHttpTest extends OnProductServer {

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScopeLeftOpenByOneRequestDoesNotLetTheNextRequestOnItsThreadWriteUnchecked() throws Exception {
        long version = ((Number) row(1).get("VERSION")).longValue();
        HttpResponse<String> leak = post("/products/1/leaky-import?price=5");
        assertThat(leak.statusCode()).isEqualTo(204);
        assertThat(((Number) row(1).get("VERSION")).longValue()).isEqualTo(version + 1);

        // A form opened before the import still carries the old version: it must be refused.
        HttpResponse<String> stale = post("/products/1/checked-price?version=" + version + "&price=9");
        assertThat(stale.headers().firstValue("X-Thread").orElse(null)).as("both on the one server thread")
                .isIn(leak.headers().firstValue("X-Thread").orElseThrow(), null);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(new BigDecimal(row(1).get("PRICE").toString())).isEqualByComparingTo("5");

        HttpResponse<String> current = post("/products/1/checked-price?version=" + (version + 1) + "&price=9");
        assertThat(current.statusCode()).isEqualTo(204);
        assertThat(current.headers().firstValue("X-Thread")).contains(leak.headers().firstValue("X-Thread")
                .orElseThrow());
        assertThat(new BigDecimal(row(1).get("PRICE").toString())).isEqualByComparingTo("9");
    }

    /**
     * A filter or a handler interceptor that opens a scope and closes it only when the handler returns normally
     * leaks it when the handler throws, in the request's first dispatch or in the async dispatch that reports an
     * async handler's failure ({@code LeakyFilterAndInterceptor}).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/imports/1/fail", "/intercepted/1/fail", "/imports/1/async-fail"})
    void aScopeAFilterOrInterceptorLeftOpenWhenTheHandlerThrewDoesNotLetTheNextRequestWriteUnchecked(String path)
            throws Exception {
        long version = ((Number) row(1).get("VERSION")).longValue();
        HttpResponse<String> failed = post(path + "?price=5");
        assertThat(failed.statusCode()).isEqualTo(500);
        long after = ((Number) row(1).get("VERSION")).longValue();

        // The async handler fails before its write: a version older than the current one is stale all the same.
        long staleVersion = after == version ? version - 1 : version;
        HttpResponse<String> stale = post("/products/1/checked-price?version=" + staleVersion + "&price=9");
        assertThat(stale.statusCode()).as("a stale write after " + path).isEqualTo(409);
        assertThat(((Number) row(1).get("VERSION")).longValue()).isEqualTo(after);
        assertThat(new BigDecimal(row(1).get("PRICE").toString())).isEqualByComparingTo(after == version ? "10" : "5");

        HttpResponse<String> current = post("/products/1/checked-price?version=" + after + "&price=9");
        assertThat(current.statusCode()).isEqualTo(204);
        assertThat(new BigDecimal(row(1).get("PRICE").toString())).isEqualByComparingTo("9");
    }
}
