/** The demo's tables, their version trigger and first-start data, for H2, PostgreSQL and MariaDB. */
package io.github.concurrency4j.demo.schema;
