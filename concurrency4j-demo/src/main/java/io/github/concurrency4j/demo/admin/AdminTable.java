package io.github.concurrency4j.demo.admin;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One table of the admin, whatever carries its writes (JPA or the core engine). The pages are generic over this.
 */
public interface AdminTable {

    /** The database table, also the scope of its form tokens. */
    String table();

    /** The URL segment: {@code /products}. */
    String path();

    /** The page title: "Products". */
    String title();

    /** One row, in prose: "product". */
    String singular();

    /** How this table is versioned, for the page header. */
    String versioning();

    /** The columns the edit form shows; the token signs their original values. */
    List<Field> fields();

    /** Extra bulk actions besides "delete selected" (action name to button label). */
    default Map<String, String> bulkActions() {
        return Map.of();
    }

    /** Every row, by key. */
    List<Row> list();

    /** One row. */
    Optional<Row> find(long id);

    /** What a person calls this row: its name. */
    default String label(Row row) {
        return String.valueOf(row.get("name"));
    }

    /**
     * Writes changes if the row is still at the expected version.
     *
     * @return the new version
     * @throws RecordModifiedException when someone else changed or deleted the row first
     */
    long update(long id, long expectedVersion, Map<String, Object> changes);

    /**
     * Saves an edit form's changes at the form's version; disjoint edits made meanwhile by someone else are merged.
     *
     * @param changes only the fields the user changed
     * @throws RecordModifiedException when someone else changed the same fields, or deleted the row
     */
    FormSave save(FormVersion version, long id, Map<String, Object> changes);

    /**
     * Deletes the row if it is still at the expected version.
     *
     * @throws RecordModifiedException when someone else changed or deleted the row first
     */
    void delete(long id, long expectedVersion);

    /** The core engine's view of the table, for bulk operations. */
    VersionedTable engine();
}
