package io.github.concurrency4j.test;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.VersionedTable;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Proves that a table is protected. Implement it in a test class and name the table, a new row and a change;
 * JUnit runs the three tests below against your database.
 *
 * <pre>{@code
 * class ProductIsProtectedTest implements VersionedTableContract {
 *     public Concurrency concurrency() { return MyTestDatabase.concurrency(); }
 *     public String table() { return "product"; }
 *     public Map<String, Object> newRow() { return Map.of("id", 9001, "name", "test product", "price", 1); }
 *     public Map<String, Object> change() { return Map.of("name", "changed"); }
 * }
 * }</pre>
 *
 * <p>Each test inserts its own row from {@link #newRow()} and deletes it afterwards; the key must be new, or left
 * out for a generated key. For a conditional version, {@link #change()} must touch a tracked column.
 */
public interface VersionedTableContract {

    /** The application's (or test's) {@link Concurrency}. */
    Concurrency concurrency();

    /** The declared table to prove. */
    String table();

    /** The column values of a new row; a key that does not exist yet, or none for a generated key. */
    Map<String, Object> newRow();

    /** A change that must bump the version (for a conditional version: a tracked column). */
    Map<String, Object> change();

    /** The table is declared, with a version column and a strategy. */
    @Test
    default void tableIsUnderManagement() {
        Assertions.assertTrue(concurrency().tables().contains(table().toLowerCase(java.util.Locale.ROOT)),
                () -> "Table '" + table() + "' is not declared; declared tables: " + concurrency().tables());
        VersionedTable t = concurrency().table(table());
        Assertions.assertNotNull(t.declaration().versionColumn(), "no version column");
        Assertions.assertNotNull(t.declaration().strategy(), "no version strategy");
    }

    /** A new row gets the strategy's initial version and is found at it. */
    @Test
    default void newRowGetsTheInitialVersion() {
        VersionedTable t = concurrency().table(table());
        Identity id = t.insert(newRow());
        try {
            if (t.declaration().strategy().kind() == VersionStrategy.Kind.TIMESTAMP) {
                Assertions.assertTrue(id.version() > 1, "a timestamp version starts at the current time");
            } else {
                Assertions.assertEquals(1L, id.version(), "the initial version");
            }
            Row row = t.find(id.key()).orElseThrow(() -> new AssertionError("the new row is not found"));
            Assertions.assertEquals(id.version(), row.version(), "the stored version");
            Assertions.assertFalse(t.isChanged(id.key(), id.version()), "the new row is current at its version");
        } finally {
            delete(t, id.key());
        }
    }

    /** Two users read the same version; the first save wins, the second is refused and changes nothing. */
    @Test
    default void staleSaveIsRefused() {
        VersionedTable t = concurrency().table(table());
        Identity id = t.insert(newRow());
        try {
            Row read = t.find(id.key()).orElseThrow();
            long next = t.update(id.key(), read.version(), change());
            Assertions.assertNotEquals(read.version(), next, "the first save must bump the version");
            RecordModifiedException refused = Assertions.assertThrows(RecordModifiedException.class,
                    () -> t.update(id.key(), read.version(), change()),
                    "a save based on the old version must be refused");
            Assertions.assertEquals(next, refused.currentVersion().orElseThrow(), "the conflict names the winner");
            Assertions.assertEquals(next, t.find(id.key()).orElseThrow().version(), "the stale save wrote nothing");
        } finally {
            delete(t, id.key());
        }
    }

    private static void delete(VersionedTable t, Object key) {
        t.find(key).ifPresent(row -> t.delete(key, row.version()));
    }
}
