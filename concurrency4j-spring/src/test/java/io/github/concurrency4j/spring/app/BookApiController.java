package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.spring.web.ETags;
import io.github.concurrency4j.spring.web.IfMatch;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A REST resource backed by a JPA entity, conditional through its @Version. */
@RestController
class BookApiController {
    private final BookRepository books;
    private final BookService service;

    BookApiController(BookRepository books, BookService service) {
        this.books = books;
        this.service = service;
    }

    @GetMapping("/api/books/{id}")
    ResponseEntity<Map<String, Object>> get(@PathVariable long id) {
        return books.findById(id)
                .map(b -> ETags.ok(Map.<String, Object>of("title", b.getTitle(), "price", b.getPrice()), b.getVersion()))
                .orElse(ResponseEntity.notFound().build());
    }

    @PutMapping("/api/books/{id}")
    ResponseEntity<Void> put(@PathVariable long id, @IfMatch(table = "Book") Long version,
                             @RequestBody Map<String, Object> body) {
        var saved = service.save(id, version, (String) body.get("title"), ((Number) body.get("price")).intValue());
        return ResponseEntity.noContent().eTag(ETags.of(saved.getVersion())).build();
    }
}
