/**
 * The public API of concurrency4j: declare which tables are versioned ({@link io.github.concurrency4j.Concurrency}),
 * then write through {@link io.github.concurrency4j.VersionedTable}, where a write that names a stale version is
 * refused with {@link io.github.concurrency4j.RecordModifiedException} instead of silently overwriting newer data.
 */
package io.github.concurrency4j;
