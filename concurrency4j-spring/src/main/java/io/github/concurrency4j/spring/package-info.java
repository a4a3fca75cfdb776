/**
 * concurrency4j for Spring: a {@link io.github.concurrency4j.ConnectionSource} that joins Spring-managed
 * transactions and the {@link io.github.concurrency4j.spring.ConcurrencyConfigurer} hook of the auto-configuration.
 * The web support lives in {@code .web}, the JPA bridge in {@code .jpa}, the Boot auto-configuration in
 * {@code .autoconfigure}.
 */
package io.github.concurrency4j.spring;
