package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.internal.MissingTriggers;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.util.List;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code concurrency4j} health component (Spring Boot Actuator): DOWN when a table declared with
 * {@code VersionStrategy.trigger()} has lost its version trigger (dropped by a migration, a restore, a DBA), since
 * writes made outside the application would then go unnoticed; UP otherwise. Off with
 * {@code management.health.concurrency4j.enabled=false}.
 */
@AutoConfiguration(after = ConcurrencyAutoConfiguration.class)
@ConditionalOnClass({Concurrency.class, HealthIndicator.class})
@ConditionalOnBean(Concurrency.class)
@ConditionalOnProperty(prefix = "management.health.concurrency4j", name = "enabled", matchIfMissing = true)
public class ConcurrencyHealthAutoConfiguration {

    /** Checks the declared trigger-versioned tables on each health request (one catalog query). */
    @Bean
    @ConditionalOnMissingBean(name = "concurrency4jHealthIndicator")
    public HealthIndicator concurrency4jHealthIndicator(Concurrency concurrency) {
        return new TriggerHealthIndicator(concurrency.triggers());
    }

    /** DOWN with the missing triggers, each as its table, version column and trigger name. */
    static final class TriggerHealthIndicator extends AbstractHealthIndicator {
        private final TriggerManager triggers;

        TriggerHealthIndicator(TriggerManager triggers) {
            super("Could not read the version triggers of the trigger-versioned tables");
            this.triggers = triggers;
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            List<TriggerTarget> missing = triggers.check();
            if (!missing.isEmpty()) {
                builder.down().withDetail("missingTriggers", MissingTriggers.describe(triggers, missing))
                        .withDetail("fix", MissingTriggers.FIX);
            } else {
                builder.up().withDetail("triggerVersionedTables", triggers.declared().size());
            }
        }
    }
}
