/**
 * What differs between databases, kept as data plus one class per vendor: identifier quoting and limits, how a
 * changed value is spelled, whether an UPDATE can return the new version in the same statement, row locking,
 * and the DDL and listing of version triggers (with {@link io.github.concurrency4j.dialect.H2VersionTrigger}, the
 * Java trigger H2 calls). The engine reads these facts; no code outside this package asks which database it is
 * talking to.
 */
package io.github.concurrency4j.dialect;
