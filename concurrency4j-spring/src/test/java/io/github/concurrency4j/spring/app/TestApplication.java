package io.github.concurrency4j.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the web tests drive: JDBC product forms, a REST API and JPA entity forms. */
@SpringBootApplication
public class TestApplication {
}
