package io.github.concurrency4j.demo;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** The product form storm with {@code concurrency4j.web.auto-merge=false}: every conflict a 409, nothing lost. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "concurrency4j.web.auto-merge=false")
@ActiveProfiles("test")
class HttpStormAutoMergeOffTest extends OnDemoServer {
    @Test
    void productEditFormsLoseNoAcknowledgedEditWithAutoMergeOff() throws Exception {
        HttpStormTest.productFormStorm(port, new DemoTestData(productRepository, jdbc), jdbc,
                HttpStormTest.DURATION);
    }
}
