package io.github.concurrency4j.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs a test method once per database, with a {@link TestDatabase} parameter. Report names carry the database:
 * {@code staleUpdateIsRefused[postgresql]}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]")
@MethodSource("io.github.concurrency4j.testing.TestDatabases#all")
@ExtendWith(DropTablesAfterEach.class)
public @interface AllDatabases {
}
