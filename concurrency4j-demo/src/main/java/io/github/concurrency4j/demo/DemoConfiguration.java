package io.github.concurrency4j.demo;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.demo.admin.EngineTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.demo.schema.DemoSchema;
import io.github.concurrency4j.token.VersionTokens;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/** The three versioned tables, each versioned a different way, and the form-token signer. */
@Configuration(proxyBeanMethods = false)
class DemoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DemoConfiguration.class);

    @Bean
    Concurrency concurrency(DataSource dataSource) {
        // The tables must exist before the engine checks the declarations against the live schema.
        DemoSchema.initialize(dataSource);
        // The proxy makes the engine join Spring's (JPA) transaction when one is open, so bulk actions are atomic.
        return Concurrency.builder(new TransactionAwareDataSourceProxy(dataSource))
                .table("product", t -> t.key("id").version("version", VersionStrategy.autoIncrement()))
                .table("supplier", t -> t.key("id").version("version", VersionStrategy.trigger()))
                .table("customer", t -> t.key("id").version("version",
                        VersionStrategy.conditional().checkFields("name", "email")))
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

    @Bean
    VersionTokens versionTokens(@Value("${demo.signing-secret:}") String secret) {
        if (secret.isBlank()) {
            log.warn("No demo.signing-secret set: form tokens are signed with a random secret drawn at start. "
                    + "Forms opened before a restart will be refused, and several instances need a shared secret.");
            return VersionTokens.random();
        }
        return VersionTokens.ofStrings(List.of(secret));
    }
}
