package io.github.concurrency4j.demo;

import io.github.concurrency4j.demo.product.ProductRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the tests of the running demo share: the port of its embedded server, and the repository and database that
 * {@link DemoTestData} makes rows with and reads them back from. A subclass carries its own
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} and profile.
 */
abstract class OnDemoServer {
    @LocalServerPort
    int port;
    @Autowired
    ProductRepository productRepository;
    @Autowired
    JdbcTemplate jdbc;
}
