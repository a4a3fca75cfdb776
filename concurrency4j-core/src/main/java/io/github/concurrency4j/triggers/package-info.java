/**
 * Database triggers for {@link io.github.concurrency4j.VersionStrategy#trigger() trigger versions}: a trigger bumps
 * the version on every UPDATE, whoever runs it, so that writes made outside the application (psql, a SQL console,
 * a job in another language) are caught too. {@link io.github.concurrency4j.triggers.TriggerManager} creates, drops,
 * lists and checks them on PostgreSQL, MySQL/MariaDB, SQLite and H2; the {@code concurrency4j triggers} command
 * does the same from a shell.
 */
package io.github.concurrency4j.triggers;
