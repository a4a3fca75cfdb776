/** The demo's tables and first-start data, for H2, PostgreSQL and MariaDB. */
package io.github.concurrency4j.demo.schema;
