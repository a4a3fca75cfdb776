package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.DecimalInput;
import io.github.concurrency4j.spring.web.ETags;
import io.github.concurrency4j.spring.web.IfMatch;
import io.github.concurrency4j.spring.web.RestWrites;
import java.math.BigDecimal;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A REST resource with ETag reads and If-Match writes. */
@RestController
class ProductApiController {
    private final Concurrency concurrency;
    private final RestWrites restWrites;

    ProductApiController(Concurrency concurrency, RestWrites restWrites) {
        this.concurrency = concurrency;
        this.restWrites = restWrites;
    }

    @GetMapping("/api/products/{id}")
    ResponseEntity<Map<String, Object>> get(@PathVariable long id) {
        return products().find(id).map(ETags::ok).orElse(ResponseEntity.notFound().build());
    }

    @PutMapping("/api/products/{id}")
    ResponseEntity<Void> put(@PathVariable long id, @IfMatch(table = "product") Long version,
                             @RequestBody Map<String, Object> body) {
        if (version == null) {
            // No If-Match (not required here) and no such row.
            return ResponseEntity.notFound().build();
        }
        long next = restWrites.update("product", id, version, body);
        return ResponseEntity.noContent().eTag(ETags.of(next)).build();
    }

    /** A controller's own number rule through the shared guard: a price of at most 6 whole digits. */
    @PutMapping("/api/products/{id}/price")
    ResponseEntity<Void> price(@PathVariable long id, @IfMatch(table = "product") long version,
                               @RequestBody Map<String, Object> body) {
        BigDecimal price = DecimalInput.parse("price", body.get("price"), 6, 0);
        long next = restWrites.update("product", id, version, Map.of("price", price));
        return ResponseEntity.noContent().eTag(ETags.of(next)).build();
    }

    @DeleteMapping("/api/products/{id}")
    ResponseEntity<Void> delete(@PathVariable long id, @IfMatch(table = "product") Long version) {
        products().delete(id, version);
        return ResponseEntity.noContent().build();
    }

    private VersionedTable products() {
        return concurrency.table("product");
    }
}
