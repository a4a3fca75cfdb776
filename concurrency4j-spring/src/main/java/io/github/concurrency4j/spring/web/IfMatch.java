package io.github.concurrency4j.spring.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a REST write conditional: the {@code long} or {@code Long} parameter it marks receives the version named by
 * the request's {@code If-Match} header (entity tags from {@link ETags}). Pass it as the expected version; a write
 * refused because the row moved on is answered 412 Precondition Failed instead of 409.
 *
 * <pre>{@code
 * @PutMapping("/api/products/{id}")
 * ResponseEntity<?> put(@PathVariable long id, @IfMatch(table = "product") long version, @RequestBody Map<String, Object> body) {
 *     return ResponseEntity.noContent().eTag(ETags.of(products.update(id, version, body))).build();
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code If-Match: "7"} — the write is checked against version 7; weak tags never match (RFC 9110 strong
 *       comparison), so they are answered 412.</li>
 *   <li>{@code If-Match: *} — any current version: the write proceeds if the row exists, else 412.</li>
 *   <li>no {@code If-Match} — 428 Precondition Required (the default, {@code concurrency4j.web.require-if-match=true});
 *       with {@code require-if-match=false} the write is unconditional (the current version is passed).</li>
 * </ul>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface IfMatch {

    /** The declared table the resource is a row of, or the JPA entity name of an entity resource. */
    String table();

    /** The name of the path variable (or request parameter) that holds the row's key (default {@code id}). */
    String key() default "id";
}
