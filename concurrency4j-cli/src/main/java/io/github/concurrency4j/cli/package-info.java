/**
 * The {@code concurrency4j} command: manages the database triggers behind trigger versions on any JDBC URL
 * ({@code concurrency4j triggers list|create|drop|check}). Exit codes: 0 done, 1 {@code check} found a missing
 * trigger or one that does not bump the version, 2 a usage, connection or database error (one readable line; the
 * stack trace only with {@code --verbose}), 3 {@code check} could not prove a trigger (empty table). Nothing the
 * command prints shows a password (see {@code Redaction}).
 */
package io.github.concurrency4j.cli;
