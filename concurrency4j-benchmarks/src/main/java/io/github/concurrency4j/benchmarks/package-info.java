/**
 * JMH benchmarks of the engine against the ways people write the same thing without it: a hand-written JDBC
 * {@code UPDATE ... WHERE id = ? AND version = ?}, Hibernate's {@code @Version}, and {@code SELECT ... FOR UPDATE}.
 * Every comparison runs both sides in the same JMH run, on the same connection pool settings, against H2 in memory
 * and PostgreSQL on localhost. {@code scripts/bench} runs them and writes {@code docs/benchmarks.md}.
 */
package io.github.concurrency4j.benchmarks;
