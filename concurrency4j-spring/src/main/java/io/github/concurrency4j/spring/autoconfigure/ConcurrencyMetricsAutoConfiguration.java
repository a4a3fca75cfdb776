package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.ConcurrencyConfigurer;
import io.github.concurrency4j.spring.MicrometerConcurrencyListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer counters of conflicts, retries and replica fallbacks ({@link MicrometerConcurrencyListener}) when
 * Micrometer is on the class path and the application has a {@link MeterRegistry} (Spring Boot Actuator makes one).
 */
@AutoConfiguration(before = ConcurrencyAutoConfiguration.class)
@ConditionalOnClass({Concurrency.class, MeterRegistry.class})
public class ConcurrencyMetricsAutoConfiguration {

    /** Registers the listener on the builder of the auto-configured {@link Concurrency}. */
    @Bean
    public ConcurrencyConfigurer concurrencyMetrics(ObjectProvider<MeterRegistry> registry) {
        return builder -> {
            MeterRegistry r = registry.getIfAvailable();
            if (r != null) {
                builder.listener(new MicrometerConcurrencyListener(r));
            }
        };
    }
}
