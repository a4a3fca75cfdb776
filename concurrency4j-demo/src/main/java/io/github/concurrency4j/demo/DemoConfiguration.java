package io.github.concurrency4j.demo;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.demo.admin.EngineTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.demo.schema.DemoSchema;
import io.github.concurrency4j.spring.SpringConnectionSource;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The three versioned tables, each versioned a different way. Everything else (form tokens, the 409 page,
 * If-Match, the JPA bridge) comes from the concurrency4j Spring Boot starter.
 */
@Configuration(proxyBeanMethods = false)
class DemoConfiguration {

    /**
     * Declared in code rather than by {@code concurrency4j.tables.*} properties because the demo creates its own
     * tables first: the engine checks every declaration against the live schema when it is built.
     */
    @Bean
    Concurrency concurrency(DataSource dataSource) {
        DemoSchema.initialize(dataSource);
        return Concurrency.builder(new SpringConnectionSource(dataSource))
                .table("product", t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                .table("supplier", t -> t.key("id").version("version", VersionStrategy.trigger()))
                .table("customer", t -> t.key("id").version("version",
                        VersionStrategy.conditional().checkFields("name", "email")))
                // The supplier trigger is created on the first start, in the dialect of whichever database runs.
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                .build();
    }

    @Bean
    EngineTable suppliers(Concurrency concurrency, JdbcTemplate jdbc) {
        return new EngineTable(concurrency.table("supplier"), jdbc, "suppliers", "Suppliers", "supplier",
                "Plain table, trigger version (another team's application also writes it)",
                List.of(Field.text("name", "Name"),
                        Field.text("contact_name", "Contact"),
                        Field.text("phone", "Phone"),
                        Field.integer("rating", "Rating (1-5)").editedInGrid()));
    }

    @Bean
    EngineTable customers(Concurrency concurrency, JdbcTemplate jdbc) {
        return new EngineTable(concurrency.table("customer"), jdbc, "customers", "Customers", "customer",
                "Plain table, conditional version: only name and email edits conflict",
                List.of(Field.text("name", "Name"),
                        Field.email("email", "Email"),
                        Field.text("phone", "Phone"),
                        Field.longText("notes", "Notes")));
    }
}
