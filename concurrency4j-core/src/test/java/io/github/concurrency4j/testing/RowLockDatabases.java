package io.github.concurrency4j.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test of row locks on the databases that have them (H2, PostgreSQL, MariaDB; not SQLite), with a
 * {@link TestDatabase} parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]", allowZeroInvocations = true)
@MethodSource("io.github.concurrency4j.testing.TestDatabases#withRowLocks")
@ExtendWith(DropTablesAfterEach.class)
public @interface RowLockDatabases {
}
