package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RetryPolicy;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;

/** Micrometer counters for operators: present with a {@link MeterRegistry}, absent (and harmless) without. */
class MetricsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    SqlInitializationAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    ConcurrencyMetricsAutoConfiguration.class, ConcurrencyAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:metrics-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                    "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:autoconfig-schema.sql",
                    "concurrency4j.tables.customer.key=id");

    @Test
    void conflictsAndRetriesAreCountedPerTable() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO customer (id, name, email, version) VALUES (1, 'Ada', 'ada@example.org', 1)");
            Concurrency concurrency = context.getBean(Concurrency.class);
            VersionedTable customers = concurrency.table("customer");
            customers.update(1L, 1L, Map.of("name", "Ada L."));
            assertThatThrownBy(() -> customers.update(1L, 1L, Map.of("name", "stale")))
                    .isInstanceOf(RecordModifiedException.class);

            AtomicInteger attempts = new AtomicInteger();
            concurrency.retry(RetryPolicy.ofDefaults(), () -> {
                Row row = customers.find(1L).orElseThrow();
                if (attempts.incrementAndGet() == 1) {
                    jdbc.update("UPDATE customer SET email = 'x@example.org', version = version + 1 WHERE id = 1");
                }
                customers.update(1L, row.version(), Map.of("name", "Ada Lovelace"));
            });

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(MicrometerConcurrencyListener.CONFLICTS).tag("table", "customer").counter()
                    .count()).isEqualTo(2.0);
            assertThat(registry.get(MicrometerConcurrencyListener.RETRIES).tag("table", "customer")
                    .tag("cause", "conflict").counter().count()).isEqualTo(1.0);
        });
    }

    @Test
    void rowsASkipConflictsBulkWriteRefusesAndMergedFormSavesAreCounted() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO customer (id, name, email, version) VALUES (1, 'Ada', 'ada@example.org', 1)");
            jdbc.update("INSERT INTO customer (id, name, email, version) VALUES (2, 'Bob', 'bob@example.org', 1)");
            Concurrency concurrency = context.getBean(Concurrency.class);
            VersionedTable customers = concurrency.table("customer");
            // Someone saves row 2; a grid shown before that saves both rows, skipping the stale one.
            customers.update(2L, 1L, Map.of("email", "robert@example.org"));
            BulkResult grid = customers.updateAll(List.of(new RowChange(1L, 1L, Map.of("name", "Ada L.")),
                    new RowChange(2L, 1L, Map.of("name", "Bobby"))), BulkPolicy.SKIP_CONFLICTS);
            assertThat(grid.conflicts()).hasSize(1);
            assertThat(jdbc.queryForObject("SELECT name FROM customer WHERE id = 2", String.class)).isEqualTo("Bob");

            // A form shown at version 2 of row 2 changes the name while someone else changes the email: a merge.
            VersionTokens tokens = VersionTokens.random();
            Map<String, Object> shown = Map.of("name", "Bob", "email", "robert@example.org");
            VerifiedToken token = tokens.verify(tokens.sign("customer", 2L, 2L, shown), "customer", 2L);
            customers.update(2L, 2L, Map.of("email", "bob@example.net"));
            FormSave saved = new FormVersion(token, true, null, concurrency.listener())
                    .update(customers, 2L, Map.of("name", "Bobby", "email", "robert@example.org"));
            assertThat(saved.merged()).isTrue();
            assertThat(jdbc.queryForMap("SELECT name, email FROM customer WHERE id = 2"))
                    .containsEntry("NAME", "Bobby").containsEntry("EMAIL", "bob@example.net");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            // The grid's stale row, and the form's first write, refused before the merge wrote it again.
            assertThat(registry.get(MicrometerConcurrencyListener.CONFLICTS).tag("table", "customer").counter()
                    .count()).isEqualTo(2.0);
            assertThat(registry.get(MicrometerConcurrencyListener.MERGES).tag("table", "customer").counter()
                    .count()).isEqualTo(1.0);
        });
    }

    @Test
    void withoutARegistryTheEngineWorksUncounted() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MeterRegistry.class);
            assertThat(context.getBean(Concurrency.class).table("customer")).isNotNull();
        });
    }
}
