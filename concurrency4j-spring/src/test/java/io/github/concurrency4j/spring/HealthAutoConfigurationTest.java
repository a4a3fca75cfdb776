package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyHealthAutoConfiguration;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code concurrency4j} health component: DOWN, naming the table, when a required trigger is gone. */
class HealthAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    SqlInitializationAutoConfiguration.class, ConcurrencyAutoConfiguration.class,
                    ConcurrencyHealthAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:health-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                    "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:autoconfig-schema.sql",
                    "concurrency4j.tables.customer.strategy=trigger", "concurrency4j.triggers.auto-create=true");

    @Test
    void upWhileTheTriggerExistsAndDownNamingTheTableOnceItIsDropped() {
        runner.run(context -> {
            HealthIndicator health = context.getBean("concurrency4jHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            Concurrency concurrency = context.getBean(Concurrency.class);
            TriggerTarget customer = concurrency.triggers().declared().get(0);
            assertThat(concurrency.triggers().drop(customer)).isTrue();

            var down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("missingTriggers")).isEqualTo(List.of(java.util.Map.of("table", "customer",
                    "versionColumn", "version", "trigger", concurrency.triggers().triggerName(customer))));
        });
    }
}
