package io.github.concurrency4j.demo.api;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.demo.admin.InvalidInputException;
import io.github.concurrency4j.demo.product.ProductTable;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
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
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Products over HTTP. A read carries the version as a strong ETag; a write must say, in If-Match, which version it
 * is based on. That version goes into the write's WHERE clause, so the precondition and the write are one atomic
 * step: a stale If-Match is a 412, whenever the other write happened.
 *
 * <p>{@code If-Match: *} (RFC 9110: "any current version") skips the precondition; a {@code version} in the body
 * is then still checked, and a stale one is a 409 Conflict.
 */
@RestController
@RequestMapping("/api/products")
public class ProductApiController {
    private final ProductTable products;
    private final boolean requireIfMatch;

    public ProductApiController(ProductTable products, @Value("${demo.require-if-match:true}") boolean requireIfMatch) {
        this.products = products;
        this.requireIfMatch = requireIfMatch;
    }

    @GetMapping
    public List<Map<String, Object>> list() {
        return products.list().stream().map(ProductApiController::json).toList();
    }

    @GetMapping("/{id}")
    public ResponseEntity<Map<String, Object>> get(@PathVariable long id,
                                                   @RequestHeader(name = "If-None-Match", required = false)
                                                   String ifNoneMatch) {
        Row row = products.find(id).orElseThrow(() -> new NotFound(id));
        String etag = etag(row.version());
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || List.of(ifNoneMatch.split("\\s*,\\s*"))
                .contains(etag))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        return ResponseEntity.ok().eTag(etag).body(json(row));
    }

    /** Replaces the editable fields; every one must be given. */
    @PutMapping("/{id}")
    public ResponseEntity<Map<String, Object>> put(@PathVariable long id, @RequestBody Map<String, Object> body,
                                                   @RequestHeader(name = "If-Match", required = false)
                                                   String ifMatch) {
        for (Field f : products.fields()) {
            if (!body.containsKey(f.column())) {
                throw new InvalidInputException("PUT replaces the whole product: '" + f.column() + "' is missing");
            }
        }
        return write(id, body, ifMatch);
    }

    /** Changes the fields given. */
    @PatchMapping("/{id}")
    public ResponseEntity<Map<String, Object>> patch(@PathVariable long id, @RequestBody Map<String, Object> body,
                                                     @RequestHeader(name = "If-Match", required = false)
                                                     String ifMatch) {
        return write(id, body, ifMatch);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable long id,
                                       @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        long expected = expectedVersion(id, ifMatch, Map.of());
        try {
            products.delete(id, expected);
        } catch (RecordModifiedException e) {
            throw stale(e, ifMatch);
        }
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<Map<String, Object>> write(long id, Map<String, Object> body, String ifMatch) {
        long expected = expectedVersion(id, ifMatch, body);
        Map<String, Object> changes = new LinkedHashMap<>();
        for (Field f : products.fields()) {
            if (body.containsKey(f.column())) {
                Object value = body.get(f.column());
                changes.put(f.column(), f.parse(value == null ? null : value.toString()));
            }
        }
        try {
            products.update(id, expected, changes);
        } catch (RecordModifiedException e) {
            throw stale(e, ifMatch);
        }
        Row row = products.find(id).orElseThrow(() -> new NotFound(id));
        return ResponseEntity.ok().eTag(etag(row.version())).body(json(row));
    }

    /** The version the write is based on: If-Match's, or with {@code *} the body's (or the current one). */
    private long expectedVersion(long id, String ifMatch, Map<String, Object> body) {
        if (ifMatch == null || ifMatch.isBlank()) {
            if (requireIfMatch) {
                throw new PreconditionRequired();
            }
            ifMatch = "*";
        }
        if (ifMatch.strip().equals("*")) {
            Row current = products.find(id).orElseThrow(() -> new NotFound(id));
            Object version = body.get("version");
            return version == null ? current.version() : Long.parseLong(version.toString());
        }
        Optional<Long> version = parseEtag(ifMatch);
        if (version.isEmpty()) {
            // A weak or foreign ETag can never match our strong ones (RFC 9110 strong comparison).
            products.find(id).orElseThrow(() -> new NotFound(id));
            return -1;
        }
        return version.get();
    }

    private static Optional<Long> parseEtag(String ifMatch) {
        String tag = ifMatch.strip();
        if (tag.startsWith("\"") && tag.endsWith("\"") && tag.length() > 2) {
            try {
                return Optional.of(Long.parseLong(tag.substring(1, tag.length() - 1)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static RuntimeException stale(RecordModifiedException e, String ifMatch) {
        boolean precondition = ifMatch != null && !ifMatch.isBlank() && !ifMatch.strip().equals("*");
        return new Stale(e, precondition);
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", row.key());
        for (String column : List.of("sku", "name", "description", "price", "stock", "supplier_id")) {
            json.put(column.equals("supplier_id") ? "supplierId" : column, row.get(column));
        }
        json.put("version", row.version());
        return json;
    }

    @ExceptionHandler(Stale.class)
    ResponseEntity<ProblemDetail> stale(Stale e) {
        RecordModifiedException c = e.conflict;
        HttpStatus status = e.precondition ? HttpStatus.PRECONDITION_FAILED : HttpStatus.CONFLICT;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, c.getMessage());
        problem.setTitle(c.isDeleted() ? "The product was deleted" : "The product was changed by someone else");
        problem.setType(URI.create("https://concurrency4j.github.io/problems/record-modified"));
        problem.setProperty("expectedVersion", c.expectedVersion());
        c.currentVersion().ifPresent(v -> problem.setProperty("currentVersion", v));
        problem.setProperty("conflictingFields", c.attemptedChanges().keySet());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        c.currentVersion().ifPresent(v -> response.eTag(etag(v)));
        return response.body(problem);
    }

    @ExceptionHandler(PreconditionRequired.class)
    ProblemDetail preconditionRequired() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_REQUIRED,
                "Writes must say which version they are based on: send If-Match with the ETag of your last GET "
                        + "(or If-Match: * to overwrite whatever is there).");
        problem.setTitle("If-Match required");
        return problem;
    }

    @ExceptionHandler(NotFound.class)
    ProblemDetail notFound(NotFound e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No product " + e.id);
    }

    @ExceptionHandler({InvalidInputException.class, NumberFormatException.class})
    ProblemDetail badInput(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    private static final class Stale extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RecordModifiedException conflict;
        private final boolean precondition;

        Stale(RecordModifiedException conflict, boolean precondition) {
            super(conflict.getMessage(), conflict);
            this.conflict = conflict;
            this.precondition = precondition;
        }
    }

    private static final class PreconditionRequired extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long id;

        NotFound(long id) {
            super("No product " + id);
            this.id = id;
        }
    }
}
