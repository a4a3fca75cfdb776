/** Products: a JPA entity whose {@code @Version} must be the version the user saw, not the one just loaded. */
package io.github.concurrency4j.demo.product;
