package io.github.concurrency4j.demo;

import io.github.concurrency4j.demo.product.ProductRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/** The product form storm with {@code concurrency4j.web.auto-merge=false}: every conflict a 409, nothing lost. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "concurrency4j.web.auto-merge=false")
@ActiveProfiles("test")
class HttpStormAutoMergeOffTest {
    @LocalServerPort
    int port;
    @Autowired
    ProductRepository productRepository;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void productEditFormsLoseNoAcknowledgedEditWithAutoMergeOff() throws Exception {
        HttpStormTest.productFormStorm(port, new DemoTestData(productRepository, jdbc), jdbc,
                HttpStormTest.DURATION);
    }
}
