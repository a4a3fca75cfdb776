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
     * Inserts the record. A {@code null} key component lets the database generate the key. The row starts at the
     * strategy's initial version whatever the record's version component says, except where version checks are off
     * for this table or row in the current thread (an import inside a {@link DisableScope}): there a non-null
     * version component is inserted as it is, see {@link VersionedTable#insert(java.util.Map)}.
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

    /**
     * Writes every non-key component, checked against the record's version, and leaves the version as it was: the
     * seed's {@code save(update_fields=[...])} without the version field. See
     * {@link VersionedTable#updateWithoutIncrement(Object, long, java.util.Map)}.
     *
     * @return the record as written (its version unchanged)
     * @throws RecordModifiedException when the row is at another version or was deleted; nothing was written
     * @throws MissingVersionException when the record's version is {@code null}
     */
    R updateWithoutIncrement(R record);

    /**
     * Whether the row has moved on from the record's version (changed or deleted): the seed's {@code is_changed}.
     */
    boolean isChanged(R record);

    /**
     * Verifies that the row is still at the record's version, without writing: the seed's
     * {@code concurrency_check(instance)}. See {@link VersionedTable#check(Object, long)} for how it reads inside
     * a transaction.
     *
     * @throws RecordModifiedException (operation {@code "check"}) when the row is at another version or deleted
     * @throws MissingVersionException when the record's version is {@code null}
     */
    void check(R record);

    /**
     * {@link #check(Record)} that also locks the row until the caller's transaction ends. Needs a record table over
     * a connection inside an open transaction: {@code table.using(connection).as(Type.class)}.
     *
     * @throws RecordModifiedException (operation {@code "check"}) when the row is at another version or deleted
     * @throws IllegalStateException when the connection is in auto-commit
     */
    void checkAndLock(R record);

    /**
     * Puts a deleted row back from the record kept of it (a history table, an audit log) at a version above the
     * record's, so every form opened before the delete stays stale: the seed's django-reversion recipe. See
     * {@link VersionedTable#restore(java.util.Map, long)}.
     *
     * @param kept the row as it was, its version the last one it had
     * @return the restored record carrying its new version
     * @throws IllegalArgumentException when the record has no key or no version; nothing was written
     * @throws StatementFailedException when the database refuses the insert, for example because the row exists
     */
    R restore(R kept);

    /**
     * Switches checks off for the record's row, in the current thread, until the scope is closed: the seed's
     * {@code disable_concurrency(instance)}. See {@link VersionedTable#disable(Object)}.
     */
    DisableScope disable(R record);
}
