package io.github.concurrency4j.demo.api;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.demo.admin.InvalidInputException;
import io.github.concurrency4j.demo.product.ProductTable;
import io.github.concurrency4j.spring.web.ETags;
import io.github.concurrency4j.spring.web.IfMatch;
import io.github.concurrency4j.spring.web.InvalidRequestException;
import io.github.concurrency4j.spring.web.RestWrites;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
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
 * Without If-Match a write is 428 ({@code concurrency4j.web.require-if-match=true}). What a GET answers can be PUT
 * back; a client mistake (an unknown field, a value too long for its column, a key or version that disagrees with
 * the path or If-Match) is a 400 problem document naming the field.
 */
@RestController
@RequestMapping("/api/products")
public class ProductApiController {
    private static final String SUPPLIER = "supplierId";
    private static final List<String> FIELD_NAMES = List.of("id", "sku", "name", "description", "price", "stock",
            SUPPLIER, "version");

    private final ProductTable products;
    private final RestWrites restWrites;

    public ProductApiController(ProductTable products, RestWrites restWrites) {
        this.products = products;
        this.restWrites = restWrites;
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

    /**
     * Replaces the editable fields; every one must be given. The body may be what a GET answered: its {@code id}
     * and {@code version} must then agree with the path and If-Match, and {@code supplierId} (not editable here) with
     * the stored supplier.
     */
    @PutMapping("/{id}")
    public ResponseEntity<Map<String, Object>> put(@PathVariable long id, @IfMatch(table = "product") long version,
                                                   @RequestBody Map<String, Object> body) {
        for (Field f : products.fields()) {
            if (!body.containsKey(f.column())) {
                throw new InvalidRequestException(f.column(), null, "PUT replaces the whole product: '" + f.column()
                        + "' is missing (use PATCH to change some fields). Nothing was written.");
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
        Map<String, Object> columns = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String name = e.getKey();
            if (name.equals(SUPPLIER)) {
                continue;
            }
            if (!name.equals("id") && !name.equals("version") && !isEditable(name)) {
                throw new InvalidRequestException(name, null, "'" + name + "' is not a field of a product; its "
                        + "fields are " + FIELD_NAMES + ". Nothing was written.");
            }
            columns.put(name, e.getValue());
        }
        // The demo's own rules first (a price is money: at most 8 digits before the point and 2 after, not negative;
        // read with bounded work whatever the client sends), then the library's: the key and version members, and
        // each value against its column (length, range, NOT NULL).
        Map<String, Object> changes = new LinkedHashMap<>();
        for (Field f : products.fields()) {
            if (columns.containsKey(f.column())) {
                Object value = columns.get(f.column());
                if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
                    throw new InvalidRequestException(f.column(), null, "'" + f.column() + "' must be a single "
                            + "value, not an object or a list. Nothing was written.");
                }
                try {
                    changes.put(f.column(), value == null ? null : f.parse(value.toString()));
                } catch (InvalidInputException bad) {
                    String why = bad.getMessage();
                    throw new InvalidRequestException(f.column(), null, why.contains("Nothing was")
                            ? why : why + ". Nothing was written.");
                }
            }
        }
        Map<String, Object> checked = new LinkedHashMap<>(changes);
        for (String member : List.of("id", "version")) {
            if (columns.containsKey(member)) {
                checked.put(member, columns.get(member));
            }
        }
        restWrites.changes(products.table(), id, version, checked);
        if (body.containsKey(SUPPLIER)) {
            Object stored = products.find(id).map(row -> row.get("supplier_id")).orElse(null);
            if (!String.valueOf(stored).equals(String.valueOf(body.get(SUPPLIER)))) {
                throw new InvalidRequestException(SUPPLIER, null, "'" + SUPPLIER + "' cannot be changed through "
                        + "this API: send the stored value or leave it out. Nothing was written.");
            }
        }
        products.update(id, version, changes);
        Row row = products.find(id).orElseThrow();
        return ETags.ok(json(row), row.version());
    }

    private boolean isEditable(String column) {
        return products.fields().stream().anyMatch(f -> f.column().equals(column));
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

}
