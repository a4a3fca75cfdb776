package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyMetricsAutoConfiguration;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A merged form save counts as a merge only when it is saved: inside a Spring transaction the event waits for the
 * commit, and a rollback (which undoes the merged write) is not counted.
 */
class MergedAfterCommitTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    SqlInitializationAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
                    ConcurrencyMetricsAutoConfiguration.class, ConcurrencyAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:merged-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                    "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:autoconfig-schema.sql",
                    "concurrency4j.tables.customer.key=id");

    @Test
    void aMergeRolledBackWithItsTransactionIsNotCountedAndACommittedOneIs() {
        runner.run(context -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO customer (id, name, email, version) VALUES (2, 'Bob', 'bob@example.org', 1)");
            Concurrency concurrency = context.getBean(Concurrency.class);
            VersionedTable customers = concurrency.table("customer");
            TransactionTemplate tx = context.getBean(TransactionTemplate.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            VersionTokens tokens = VersionTokens.random();
            Map<String, Object> shown = Map.of("name", "Bob", "email", "bob@example.org");
            VerifiedToken token = tokens.verify(tokens.sign("customer", 2L, 1L, shown), "customer", 2L);

            // Someone else changes the email; this user's form, shown at version 1, changes the name: a merge,
            // written in a transaction that then rolls back.
            customers.update(2L, 1L, Map.of("email", "robert@example.org"));
            Boolean mergedInRolledBack = tx.execute(status -> {
                FormSave saved = new FormVersion(token, true, null, concurrency.listener())
                        .update(customers, 2L, Map.of("name", "Bobby", "email", "bob@example.org"));
                status.setRollbackOnly();
                return saved.merged();
            });
            assertThat(mergedInRolledBack).isTrue();
            assertThat(jdbc.queryForMap("SELECT name, email, version FROM customer WHERE id = 2"))
                    .containsEntry("NAME", "Bob").containsEntry("EMAIL", "robert@example.org")
                    .containsEntry("VERSION", 2L);
            assertThat(registry.find(MicrometerConcurrencyListener.MERGES).counter())
                    .as("a rolled-back merge saved nothing").satisfiesAnyOf(
                            c -> assertThat(c).isNull(), c -> assertThat(c.count()).isZero());

            // The same merge, committed: counted once, and in the table.
            tx.executeWithoutResult(status -> new FormVersion(token, true, null, concurrency.listener())
                    .update(customers, 2L, Map.of("name", "Bobby", "email", "bob@example.org")));
            assertThat(jdbc.queryForMap("SELECT name, email, version FROM customer WHERE id = 2"))
                    .containsEntry("NAME", "Bobby").containsEntry("EMAIL", "robert@example.org")
                    .containsEntry("VERSION", 3L);
            assertThat(registry.get(MicrometerConcurrencyListener.MERGES).tag("table", "customer").counter()
                    .count()).isEqualTo(1.0);
        });
    }
}
