package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application mistake: an import endpoint that switches checks off and never closes its scope, and a checked
 * price change. Each answers with the name of the server thread that ran it.
 */
@RestController
class LeakyImportController {
    private final Concurrency concurrency;

    LeakyImportController(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @PostMapping("/products/{id}/leaky-import")
    ResponseEntity<Void> leakyImport(@PathVariable long id, @RequestParam int price) {
        concurrency.disable("product");   // the bug: no try-with-resources, no close()
        concurrency.table("product").update(id, null, Map.of("price", price));
        return ResponseEntity.noContent().header("X-Thread", Thread.currentThread().getName()).build();
    }

    @PostMapping("/products/{id}/checked-price")
    ResponseEntity<Void> checkedPrice(@PathVariable long id, @RequestParam long version, @RequestParam int price) {
        String thread = Thread.currentThread().getName();
        concurrency.table("product").update(id, version, Map.of("price", price));
        return ResponseEntity.noContent().header("X-Thread", thread).build();
    }
}
