package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.TableDeclaration;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.internal.ColumnLimits;
import io.github.concurrency4j.spring.internal.ColumnLimits.ColumnInfo;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * REST writes of declared tables from JSON bodies, so that what a client reads it can send back. Registered by the
 * auto-configuration; inject it into REST controllers.
 *
 * <pre>{@code
 * @PutMapping("/api/products/{id}")
 * ResponseEntity<Void> put(@PathVariable long id, @IfMatch(table = "product") long version,
 *                          @RequestBody Map<String, Object> body) {
 *     return ResponseEntity.noContent().eTag(ETags.of(restWrites.update("product", id, version, body))).build();
 * }
 * }</pre>
 *
 * The body is checked before anything is written, and every client mistake is an {@link InvalidRequestException}
 * (400, a problem document naming the field):
 * <ul>
 *   <li>the key column may be in the body (a GET's representation has it) but must equal the key in the path;</li>
 *   <li>the version column may be in the body but must equal the version the write is based on (the
 *       {@code If-Match} version): a body that says one version and a header that says another is a contradiction,
 *       answered 400, not a guess;</li>
 *   <li>every other member must be a column of the table, named once (names match without regard to case, so
 *       {@code "name"} and {@code "Name"} are the same field given twice);</li>
 *   <li>each value must fit its column as the database describes it: text within the column's length, numbers
 *       within its range and digits, {@code true}/{@code false} for booleans, ISO 8601 text for dates and times,
 *       no nested objects or lists, no {@code null} for NOT NULL columns.</li>
 * </ul>
 */
public final class RestWrites {
    private final Concurrency concurrency;
    private final ColumnLimits limits;

    /**
     * @param concurrency the declared tables
     * @param limits what their columns accept
     */
    public RestWrites(Concurrency concurrency, ColumnLimits limits) {
        this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The changes a JSON body asks of the row: the key and version members (when present and agreeing) left out,
     * every value checked and converted to what its column holds.
     *
     * @param table the declared table
     * @param key the row's key, from the path
     * @param version the version the write is based on (from {@link IfMatch})
     * @param body the parsed JSON object
     * @throws InvalidRequestException naming the field for any client mistake; nothing was written
     */
    public Map<String, Object> changes(String table, Object key, long version, Map<String, ?> body) {
        Objects.requireNonNull(body, "body");
        VersionedTable t = concurrency.table(table);
        TableDeclaration declaration = t.declaration();
        Map<String, ColumnInfo> columns = limits.columns(t.name());
        Map<String, Object> changes = new LinkedHashMap<>();
        Map<String, String> named = new HashMap<>();
        for (Map.Entry<String, ?> e : body.entrySet()) {
            String field = e.getKey();
            Object value = e.getValue();
            String column = field.toLowerCase(Locale.ROOT);
            String before = named.putIfAbsent(column, field);
            if (before != null) {
                // Column names match without regard to case: "name" and "Name" are one column, given twice.
                throw new InvalidRequestException(field, null, "'" + before + "' and '" + field + "' in the body "
                        + "name the same field, so which value to write cannot be told. Send each field once. "
                        + "Nothing was written.");
            }
            if (column.equals(declaration.keyColumn().toLowerCase(Locale.ROOT))) {
                if (!sameKey(value, key)) {
                    throw new InvalidRequestException(field, null, "'" + field + "' in the body differs from the "
                            + "key in the path: a write cannot change a row's key. Send the key of the row you "
                            + "address, or leave it out. Nothing was written.");
                }
                continue;
            }
            if (column.equals(declaration.versionColumn().toLowerCase(Locale.ROOT))) {
                if (!sameVersion(value, version)) {
                    throw new InvalidRequestException(field, null, "'" + field + "' in the body differs from the "
                            + "version the write is based on (If-Match " + ETags.of(version) + "). Send the "
                            + "version you read in both, or leave it out of the body. Nothing was written.");
                }
                continue;
            }
            if (columns.isEmpty()) {
                changes.put(field, value);
                continue;
            }
            ColumnInfo info = columns.get(column);
            if (info == null) {
                throw new InvalidRequestException(field, null, "'" + field + "' is not a field of " + t.name()
                        + "; its fields are " + columns.keySet() + ". Nothing was written.");
            }
            changes.put(field, ColumnLimits.check(field, info, value));
        }
        return changes;
    }

    /**
     * Checks the body as {@link #changes} does and updates the row.
     *
     * @return the row's new version
     * @throws InvalidRequestException naming the field for any client mistake; nothing was written
     * @throws RecordModifiedException when the row is at another version or was deleted; nothing was written
     */
    public long update(String table, Object key, long version, Map<String, ?> body) {
        return concurrency.table(table).update(key, version, changes(table, key, version, body));
    }

    private static boolean sameKey(Object fromBody, Object fromPath) {
        if (fromBody == null) {
            return false;
        }
        BigDecimal a = decimal(fromBody);
        BigDecimal b = decimal(fromPath);
        if (a != null && b != null) {
            return a.compareTo(b) == 0;
        }
        return String.valueOf(fromBody).equals(String.valueOf(fromPath));
    }

    private static boolean sameVersion(Object fromBody, long version) {
        BigDecimal v = decimal(fromBody);
        return v != null && v.compareTo(BigDecimal.valueOf(version)) == 0;
    }

    /** An integral JSON number as a decimal; anything else {@code null}. */
    private static BigDecimal decimal(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof java.math.BigInteger b) {
            return new BigDecimal(b);
        }
        return null;
    }
}
