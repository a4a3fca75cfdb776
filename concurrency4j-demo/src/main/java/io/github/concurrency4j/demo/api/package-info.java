/** The products REST API: ETag on reads, If-Match on writes (412 when stale, 428 when missing). */
package io.github.concurrency4j.demo.api;
