package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.CountingDataSource;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.Map;

/** The happy path costs one statement per write; a conflict costs one more read. */
class StatementCountTest {

    @AllDatabases
    void eachWriteOnTheHappyPathIsOneStatement(TestDatabase db) {
        String t = Fixtures.productTable(db);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable products = Concurrency.builder(counting).table(t).build().table(t);

        counting.reset();
        products.update(1, 1L, Map.of("price", 11, "name", "apple"));
        assertThat(counting.executed()).hasSize(1).first().asString().startsWith("UPDATE");

        counting.reset();
        products.insert(Map.of("id", 3, "name", "fig", "price", 1, "stock", 1));
        assertThat(counting.executed()).hasSize(1);

        counting.reset();
        products.delete(2, 1L);
        assertThat(counting.executed()).hasSize(1).first().asString().startsWith("DELETE");
    }

    @AllDatabases
    void aConflictCostsExactlyOneMoreRead(TestDatabase db) {
        String t = Fixtures.productTable(db);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable products = Concurrency.builder(counting).table(t).build().table(t);
        products.update(1, 1L, Map.of("price", 11));

        counting.reset();
        try {
            products.update(1, 1L, Map.of("price", 12));
        } catch (RecordModifiedException expected) {
            // The point is the count.
        }
        assertThat(counting.executed()).hasSize(2);
        assertThat(counting.executed().get(1)).startsWith("SELECT");
    }

    @AllDatabases
    void conditionalVersionIsDecidedInTheStatementItself(TestDatabase db) {
        String t = Fixtures.productTable(db);
        CountingDataSource counting = new CountingDataSource(db.dataSource());
        VersionedTable products = Concurrency.builder(counting)
                .table(t, d -> d.version("version", VersionStrategy.conditional().checkFields("price")))
                .build().table(t);

        counting.reset();
        assertThat(products.update(1, 1L, Map.of("price", 11))).isEqualTo(2);
        if (products instanceof io.github.concurrency4j.internal.TableEngine e
                && e.engine().dialect().versionReadBack() == io.github.concurrency4j.dialect.Dialect.VersionReadBack.NONE) {
            // MariaDB cannot return values from an UPDATE: the version is read in the same transaction.
            assertThat(counting.executed()).hasSize(2);
            assertThat(counting.executed().get(1)).startsWith("SELECT");
        } else {
            // One statement everywhere else, in auto-commit: no transaction of its own, no FINAL TABLE (on H2 a
            // plain UPDATE hands the version back as a generated key; a FINAL TABLE update that failed on a
            // constraint deleted the row, so it had to run in a transaction: ConstraintFailureTest).
            assertThat(counting.executed()).hasSize(1);
            assertThat(counting.transactionCalls()).isEmpty();
            assertThat(counting.executed().get(0)).startsWith("UPDATE");
        }
        assertThat(counting.executed().get(0)).contains("CASE WHEN");

        // Untracked columns only: the version cannot change, so no read-back is needed anywhere.
        counting.reset();
        assertThat(products.update(1, 2L, Map.of("stock", 1))).isEqualTo(2);
        assertThat(counting.executed()).hasSize(1);
    }
}
