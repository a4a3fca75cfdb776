/**
 * The engine's implementation: schema verification, SQL building, JDBC binding, disable scopes. Not supported
 * API: anything here may change in any release without notice. Depend on {@code io.github.concurrency4j} instead.
 */
package io.github.concurrency4j.internal;
