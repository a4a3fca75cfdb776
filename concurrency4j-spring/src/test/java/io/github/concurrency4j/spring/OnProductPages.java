package io.github.concurrency4j.spring;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The product pages through Spring's real dispatcher (MockMvc). A subclass carries its own {@code @SpringBootTest}
 * and {@code @AutoConfigureMockMvc}.
 */
abstract class OnProductPages extends OnProducts {
    @Autowired
    MockMvc mvc;
}
