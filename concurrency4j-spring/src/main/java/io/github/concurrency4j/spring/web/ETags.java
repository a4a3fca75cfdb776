package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.Row;
import java.util.Map;
import org.springframework.http.ResponseEntity;

/**
 * Strong entity tags from versions, for REST reads. Pair with {@link IfMatch} on writes.
 *
 * <pre>{@code
 * @GetMapping("/api/products/{id}")
 * ResponseEntity<Map<String, Object>> get(@PathVariable long id) {
 *     return ETags.ok(products.find(id).orElseThrow());
 * }
 * }</pre>
 */
public final class ETags {
    private ETags() {
    }

    /** The strong entity tag of a version: {@code "7"}, quotes included. */
    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /** 200 with the body and the version's {@code ETag}; a GET with a matching If-None-Match gets 304. */
    public static <T> ResponseEntity<T> ok(T body, long version) {
        return ResponseEntity.ok().eTag(of(version)).body(body);
    }

    /** 200 with the row's values and its version's {@code ETag}. */
    public static ResponseEntity<Map<String, Object>> ok(Row row) {
        return ok(row.values(), row.version());
    }
}
