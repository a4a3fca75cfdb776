package io.github.concurrency4j;

import java.util.Optional;

/**
 * A {@link VersionedTable} whose rows are Java records. Each record component maps to the column of the same name
 * (camelCase to snake_case); one component is the key and one the version.
 *
 * <pre>{@code
 * record Product(long id, String name, int price, long version) {}
 *
 * RecordTable<Product> products = concurrency.table("product").as(Product.class);
 * Product p = products.find(42).orElseThrow();
 * Product saved = products.update(new Product(p.id(), p.name(), 12, p.version()));  // saved.version() is new
 * }</pre>
 *
 * @param <R> the record type
 */
public interface RecordTable<R extends Record> {

    /** The row with this key as a record, or empty. */
    Optional<R> find(Object key);

    /**
     * Inserts the record. A {@code null} key component lets the database generate the key.
     *
     * @return the record as stored, with its key and initial version
     */
    R insert(R record);

    /**
     * Writes every non-key component, checked against the record's version.
     *
     * @return the record carrying its new version
     * @throws RecordModifiedException when the row is at another version or was deleted
     */
    R update(R record);

    /**
     * Deletes the row, checked against the record's version.
     *
     * @throws RecordModifiedException when the row is at another version or was already deleted
     */
    void delete(R record);
}
