package io.github.concurrency4j.demo.api;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.demo.admin.InvalidInputException;
import io.github.concurrency4j.demo.product.ProductTable;
import io.github.concurrency4j.spring.web.ETags;
import io.github.concurrency4j.spring.web.IfMatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Products over HTTP, with the starter's conditional requests. A read carries the version as a strong ETag; a write
 * names in If-Match the version it is based on ({@link IfMatch}), and that version goes into the write's WHERE
 * clause, so the precondition and the write are one atomic step: stale is 412 whenever the other write happened.
 * Without If-Match a write is 428 ({@code concurrency4j.web.require-if-match=true}).
 */
@RestController
@RequestMapping("/api/products")
public class ProductApiController {
    private final ProductTable products;

    public ProductApiController(ProductTable products) {
        this.products = products;
    }

    @GetMapping
    public List<Map<String, Object>> list() {
        return products.list().stream().map(ProductApiController::json).toList();
    }

    /** With {@code If-None-Match} naming the current ETag, Spring answers 304 Not Modified. */
    @GetMapping("/{id}")
    public ResponseEntity<Map<String, Object>> get(@PathVariable long id) {
        return products.find(id)
                .map(row -> ETags.ok(json(row), row.version()))
                .orElse(ResponseEntity.notFound().build());
    }

    /** Replaces the editable fields; every one must be given. */
    @PutMapping("/{id}")
    public ResponseEntity<Map<String, Object>> put(@PathVariable long id, @IfMatch(table = "product") long version,
                                                   @RequestBody Map<String, Object> body) {
        for (Field f : products.fields()) {
            if (!body.containsKey(f.column())) {
                throw new InvalidInputException("PUT replaces the whole product: '" + f.column() + "' is missing");
            }
        }
        return write(id, version, body);
    }

    /** Changes the fields given. */
    @PatchMapping("/{id}")
    public ResponseEntity<Map<String, Object>> patch(@PathVariable long id, @IfMatch(table = "product") long version,
                                                     @RequestBody Map<String, Object> body) {
        return write(id, version, body);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable long id, @IfMatch(table = "product") long version) {
        products.delete(id, version);
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<Map<String, Object>> write(long id, long version, Map<String, Object> body) {
        Map<String, Object> changes = new LinkedHashMap<>();
        for (Field f : products.fields()) {
            if (body.containsKey(f.column())) {
                Object value = body.get(f.column());
                changes.put(f.column(), f.parse(value == null ? null : value.toString()));
            }
        }
        products.update(id, version, changes);
        Row row = products.find(id).orElseThrow();
        return ETags.ok(json(row), row.version());
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", row.key());
        for (String column : List.of("sku", "name", "description", "price", "stock")) {
            json.put(column, row.get(column));
        }
        json.put("supplierId", row.get("supplier_id"));
        json.put("version", row.version());
        return json;
    }

    @ExceptionHandler(InvalidInputException.class)
    ProblemDetail badInput(InvalidInputException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }
}
