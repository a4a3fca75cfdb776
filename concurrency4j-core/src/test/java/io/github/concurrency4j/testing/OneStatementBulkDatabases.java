package io.github.concurrency4j.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test of the one-statement bulk forms on the databases that have one (PostgreSQL and MariaDB), with a
 * {@link TestDatabase} parameter; no invocation when neither server is reachable outside CI.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
@MethodSource("io.github.concurrency4j.testing.TestDatabases#oneStatementBulk")
@ExtendWith(DropTablesAfterEach.class)
public @interface OneStatementBulkDatabases {
}
