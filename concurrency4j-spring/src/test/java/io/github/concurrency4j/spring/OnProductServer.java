package io.github.concurrency4j.spring;

import java.net.http.HttpClient;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The product pages over real HTTP, against the embedded server. A subclass carries its own
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)}.
 */
abstract class OnProductServer extends OnProducts {
    @LocalServerPort
    int port;

    /** Without cookies or redirects: each request stands alone, as a test wants to see it. */
    final HttpClient http = HttpClient.newHttpClient();
}
