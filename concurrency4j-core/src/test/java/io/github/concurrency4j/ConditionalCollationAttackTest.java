package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * The conditional version rises when a tracked value changes, as the value is stored: a change of case ("apple" to
 * "Apple") or of trailing blanks is a change. MariaDB's default collations compare text without regard to case and
 * (PAD SPACE) trailing blanks, so its comparison took such a change for none: the version stayed, and a user whose
 * form still showed the old value then saved over the change with no conflict, a lost update. Single-row and bulk
 * writes alike; every case reads the table back.
 */
class ConditionalCollationAttackTest {

    @AllDatabases
    void aChangeOfCaseOrTrailingBlanksRaisesTheVersionAndAStaleFormIsRefused(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Fixtures.concurrency(db.dataSource(), t,
                VersionStrategy.conditional().checkFields("name")).table(t);

        // A corrects the case of row 1's name; B's form still shows "apple" at version 1.
        assertThat(products.update(1, 1L, Map.of("name", "Apple"))).as("case change").isEqualTo(2L);
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("name", "apple pie")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("Apple");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);

        assertThat(products.update(1, 2L, Map.of("name", "Apple "))).as("trailing blank").isEqualTo(3L);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("Apple ");
        // The same value again is no change: the version stays.
        assertThat(products.update(1, 3L, Map.of("name", "Apple "))).as("same value").isEqualTo(3L);

        BulkResult bulk = products.updateAll(List.of(RowChange.of(2, 1L, Map.of("name", "PEAR"))),
                BulkPolicy.ABORT_ALL);
        assertThat(bulk.savedVersions()).as("bulk case change").containsEntry(2L, 2L);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("PEAR");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 2")).isEqualTo(2);
        BulkResult stale = products.updateAll(List.of(RowChange.of(2, 1L, Map.of("name", "pear tart"))),
                BulkPolicy.SKIP_CONFLICTS);
        assertThat(stale.saved()).isEmpty();
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("PEAR");
    }

    /**
     * PostgreSQL's {@code citext} (the usual type of an e-mail column) compares without regard to case: a change of
     * case in it must raise the version too, single-row and bulk.
     */
    @PostgresqlOnly
    void aChangeOfCaseInACitextColumnRaisesTheVersion(TestDatabase db) {
        db.execute("CREATE EXTENSION IF NOT EXISTS citext");
        String t = db.createTable("customer", "id BIGINT PRIMARY KEY, email CITEXT, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, email, version) VALUES (1, 'bob@example.org', 1), "
                + "(2, 'ann@example.org', 1)");
        VersionedTable customers = Fixtures.concurrency(db.dataSource(), t,
                VersionStrategy.conditional().checkFields("email")).table(t);

        assertThat(customers.update(1, 1L, Map.of("email", "Bob@example.org"))).isEqualTo(2L);
        assertThatThrownBy(() -> customers.update(1, 1L, Map.of("email", "robert@example.org")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(customers.update(1, 2L, Map.of("email", "Bob@example.org"))).as("same value").isEqualTo(2L);
        assertThat(customers.updateAll(List.of(RowChange.of(2, 1L, Map.of("email", "Ann@example.org"))),
                BulkPolicy.ABORT_ALL).savedVersions()).containsEntry(2L, 2L);
        assertThat(db.queryValue("SELECT email::text FROM " + t + " WHERE id = 1")).isEqualTo("Bob@example.org");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryValue("SELECT email::text FROM " + t + " WHERE id = 2")).isEqualTo("Ann@example.org");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 2")).isEqualTo(2);
    }
}
