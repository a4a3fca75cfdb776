package io.github.concurrency4j.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test of a MariaDB behaviour on MariaDB alone, with a {@link TestDatabase} parameter; no invocation
 * (rather than a skipped one per other database) when the server is unreachable outside CI.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
@MethodSource("io.github.concurrency4j.testing.TestDatabases#mariadb")
@ExtendWith(DropTablesAfterEach.class)
public @interface MariadbOnly {
}
