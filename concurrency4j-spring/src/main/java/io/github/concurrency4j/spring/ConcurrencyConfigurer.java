package io.github.concurrency4j.spring;

import io.github.concurrency4j.Concurrency;

/**
 * Adjusts the {@link Concurrency} the auto-configuration builds: declare tables in code, set a conflict handler, a
 * clock. Every {@code ConcurrencyConfigurer} bean is applied, in {@code @Order}, after the tables declared by
 * {@code concurrency4j.tables.*} properties.
 *
 * <pre>{@code
 * @Bean
 * ConcurrencyConfigurer tables() {
 *     return builder -> builder.table("auth_group", t -> t.version("version", VersionStrategy.trigger()));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ConcurrencyConfigurer {

    /** Declares tables or changes settings on the builder before it is built. */
    void configure(Concurrency.Builder builder);
}
