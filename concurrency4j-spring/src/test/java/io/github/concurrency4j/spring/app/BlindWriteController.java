package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** An application mistake: a write that names no version (the seed raises RecordModifiedError for it). */
@RestController
class BlindWriteController {
    private final Concurrency concurrency;

    BlindWriteController(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @PostMapping("/products/{id}/blind-price")
    ResponseEntity<Void> blindPrice(@PathVariable long id, @RequestParam int price) {
        concurrency.table("product").update(id, null, Map.of("price", price));
        return ResponseEntity.noContent().build();
    }
}
