package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.util.List;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code concurrency4j} health component (Spring Boot Actuator): DOWN when a table declared with
 * {@code VersionStrategy.trigger()} has lost its version trigger (dropped by a migration, a restore, a DBA), since
 * writes made outside the application would then go unnoticed; UP otherwise.
 */
@AutoConfiguration(after = ConcurrencyAutoConfiguration.class)
@ConditionalOnClass({Concurrency.class, HealthIndicator.class})
@ConditionalOnBean(Concurrency.class)
public class ConcurrencyHealthAutoConfiguration {

    /** Checks the declared trigger-versioned tables on each health request (one catalog query). */
    @Bean
    @ConditionalOnMissingBean(name = "concurrency4jHealthIndicator")
    public HealthIndicator concurrency4jHealthIndicator(Concurrency concurrency) {
        return () -> {
            List<TriggerTarget> declared = concurrency.triggers().declared();
            List<TriggerTarget> missing = concurrency.triggers().check();
            if (!missing.isEmpty()) {
                return Health.down()
                        .withDetail("missingTriggers", missing.stream().map(TriggerTarget::toString).toList())
                        .withDetail("fix", "create them with concurrency.triggers().createMissing(), the CLI's "
                                + "'triggers create', or concurrency4j.triggers.auto-create=true and a restart")
                        .build();
            }
            return Health.up().withDetail("triggerVersionedTables", declared.size()).build();
        };
    }
}
