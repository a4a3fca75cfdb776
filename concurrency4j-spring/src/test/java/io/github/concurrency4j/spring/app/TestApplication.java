package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.spring.ConcurrencyConfigurer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** The application the web tests drive: JDBC product forms, a REST API and JPA entity forms. */
@SpringBootApplication
public class TestApplication {

    /** The JDBC product table (H2 runs); the server-database runs exercise the JPA entities only. */
    @Bean
    @ConditionalOnProperty(name = "app.jdbc-tables", matchIfMissing = true)
    ConcurrencyConfigurer productTable() {
        return builder -> builder.table("product", t -> t.key("id").version("version"));
    }
}
