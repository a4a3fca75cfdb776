/**
 * The concurrency4j test kit: JUnit 5 contracts a test class implements to prove that a table
 * ({@link io.github.concurrency4j.test.VersionedTableContract}) or a JPA entity
 * ({@link io.github.concurrency4j.test.VersionedEntityContract}) is protected against lost updates: a stale save
 * is refused, a new row gets the initial version, the table or entity is under management. The Java face of
 * django-concurrency's {@code ConcurrencyTestMixin}.
 */
package io.github.concurrency4j.test;
