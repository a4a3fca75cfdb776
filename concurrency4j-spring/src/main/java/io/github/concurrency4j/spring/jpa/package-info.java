/**
 * The JPA/Hibernate bridge: {@link io.github.concurrency4j.spring.jpa.JpaVersions} makes Hibernate check the
 * version the user submitted (not the one it just loaded), and
 * {@link io.github.concurrency4j.spring.jpa.JpaConflictAdvice} turns Hibernate's and JPA's optimistic-lock failures
 * into the same 409 page, with the entity's stored values.
 */
package io.github.concurrency4j.spring.jpa;
