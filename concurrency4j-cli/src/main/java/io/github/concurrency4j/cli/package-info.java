/**
 * The {@code concurrency4j} command: manages the database triggers behind trigger versions on any JDBC URL
 * ({@code concurrency4j triggers list|create|drop|check}). Exit codes: 0 done, 1 {@code check} found a missing
 * trigger, 2 a usage, connection or database error (one readable line; the stack trace only with {@code --verbose}).
 */
package io.github.concurrency4j.cli;
