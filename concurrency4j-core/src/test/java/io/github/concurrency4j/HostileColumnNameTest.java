package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * A declared table the application does not own may have a column whose name holds the quote character. The engine
 * reads column names from the schema; embedded unescaped, such a name ran SQL of its author's choosing inside every
 * statement: a fake version, or a sleep. Every identifier is escaped per dialect, so the column is just a column.
 */
class HostileColumnNameTest {

    /** The quote character of the database's identifiers. */
    private static String q(TestDatabase db) {
        return db.name().equals("mariadb") ? "`" : "\"";
    }

    /** A column name that, embedded unescaped, ends the identifier and adds an expression to the statement. */
    private static String hostileName(TestDatabase db, String expression) {
        String q = q(db);
        return "name" + q + ", " + expression + " AS " + q + "x";
    }

    private static String quoted(TestDatabase db, String name) {
        String q = q(db);
        return q + name.replace(q, q + q) + q;
    }

    private static void check(TestDatabase db, String expression, long maxMillis) {
        String hostile = hostileName(db, expression);
        String t = db.createTable("hostile", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(20), "
                + quoted(db, hostile) + " INT, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, " + quoted(db, hostile) + ", version) VALUES (1, 'a', 7, 1)");
        VersionedTable table = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        long start = System.nanoTime();
        Row row = table.find(1).orElseThrow();
        assertThat(row.version()).isEqualTo(1);
        assertThat(((Number) row.get(hostile)).intValue()).isEqualTo(7);
        assertThat(row.values()).hasSize(4);

        assertThat(table.update(1, 1L, Map.of(hostile, 8))).isEqualTo(2);
        assertThatThrownBy(() -> table.update(1, 1L, Map.of(hostile, 9)))
                .isInstanceOfSatisfying(RecordModifiedException.class,
                        e -> assertThat(e.currentVersion()).hasValue(2));
        assertThat(table.updateAll(List.of(new RowChange(1, 2L, Map.of(hostile, 10))), BulkPolicy.ABORT_ALL)
                .savedVersions()).containsEntry(1L, 3L);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(db.queryLong("SELECT " + quoted(db, hostile) + " FROM " + t + " WHERE id = 1")).isEqualTo(10);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(3);
        assertThat(elapsedMillis).as("no injected sleep ran").isLessThan(maxMillis);
    }

    @AllDatabases
    void aColumnNameWithTheQuoteCharacterCannotFakeTheVersion(TestDatabase db) {
        check(db, "42", Long.MAX_VALUE);
    }

    @AllDatabases
    void aColumnNameWithTheQuoteCharacterRunsNoInjectedSql(TestDatabase db) {
        switch (db.name()) {
            case "postgresql" -> check(db, "(SELECT 42 FROM pg_sleep(2))", 5_000);
            case "mariadb" -> check(db, "(SELECT 42 FROM (SELECT SLEEP(2)) s)", 5_000);
            // H2 and SQLite have no sleep function in SQL; a subquery shows the same thing.
            default -> check(db, "(SELECT 42)", Long.MAX_VALUE);
        }
    }
}
