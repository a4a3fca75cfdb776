package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Keys leave the engine in one Java type per key column on every database, and rows read without casts. */
class KeyTypesTest {

    @AllDatabases
    void insertedIdentityEqualsTheOneReadBackForGeneratedAndGivenKeys(TestDatabase db) {
        String generated = db.createTable("gen", "id " + db.generatedKey() + ", name VARCHAR(50), "
                + "version BIGINT NOT NULL");
        // A 32-bit key column: drivers hand its values back as Integer.
        String small = db.createTable("small", "id INT PRIMARY KEY, name VARCHAR(50), version BIGINT NOT NULL");
        Concurrency c = Concurrency.builder(db.dataSource()).table(generated).table(small).build();

        Identity made = c.table(generated).insert(Map.of("name", "a"));
        Row read = c.table(generated).find(made.key()).orElseThrow();
        assertThat(read.identity()).isEqualTo(made);
        assertThat(read.key()).isInstanceOf(Long.class).isEqualTo(read.get("id"));

        Identity given = c.table(small).insert(Map.of("id", 7, "name", "b"));
        Row readSmall = c.table(small).find(7).orElseThrow();
        assertThat(readSmall.identity()).isEqualTo(given);
        assertThat(readSmall.key()).isEqualTo(7L).isEqualTo(readSmall.get("id"));
    }

    @AllDatabases
    void conflictKeyEqualsTheCurrentRowsKeyAndBulkKeysEqualRowKeys(TestDatabase db) {
        String t = db.createTable("small", "id INT PRIMARY KEY, name VARCHAR(50), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, version) VALUES (1, 'a', 1)",
                "INSERT INTO " + t + " (id, name, version) VALUES (2, 'b', 1)");
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable table = c.table(t);
        table.update(1, 1L, Map.of("name", "won"));

        RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                () -> table.update(1, 1L, Map.of("name", "lost")));
        assertThat(e.key()).isEqualTo(e.currentRow().orElseThrow().key());

        BulkResult r = table.updateAll(List.of(RowChange.of(1, 1L, Map.of("name", "x")),
                RowChange.of(2, 1L, Map.of("name", "y"))));
        Row two = table.find(2).orElseThrow();
        assertThat(r.saved()).containsExactly(two.identity());
        assertThat(r.conflictKeys()).containsExactly(table.find(1).orElseThrow().key());
        assertThat(r.conflicts().get(0).key()).isEqualTo(r.conflicts().get(0).currentRow().orElseThrow().key());
        // What the database holds, read outside the engine.
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("y");
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("won");
    }

    @AllDatabases
    void typedAccessorsConvertWhatEachDriverReturns(TestDatabase db) {
        String t = db.createTable("typed", "id " + db.keyType() + " PRIMARY KEY, qty INT, big BIGINT, "
                + "price DECIMAL(10,2), name VARCHAR(20), flag BOOLEAN, empty_qty INT, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, qty, big, price, name, flag, empty_qty, version) "
                + "VALUES (1, 3, 5000000000, 12.50, 'pear', TRUE, NULL, 1)");
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        Row r = c.table(t).find(1).orElseThrow();

        assertThat(r.getLong("qty")).isEqualTo(3L);
        assertThat(r.getInt("qty")).isEqualTo(3);
        assertThat(r.getLong("big")).isEqualTo(5_000_000_000L);
        assertThat(r.getBigDecimal("price")).isEqualByComparingTo(new BigDecimal("12.50"));
        assertThat(r.getBigDecimal("qty")).isEqualByComparingTo(BigDecimal.valueOf(3));
        assertThat(r.getString("name")).isEqualTo("pear");
        assertThat(r.getBoolean("flag")).isTrue();
        assertThat(r.getLong("empty_qty")).isNull();
        assertThat(r.getString("empty_qty")).isNull();
        assertThatThrownBy(() -> r.getInt("big")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("big").hasMessageContaining("5000000000");
        assertThatThrownBy(() -> r.getLong("name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pear");
        assertThatThrownBy(() -> r.getLong("price")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> r.getString("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No column 'nope'");
    }

    @AllDatabases
    void instantsReadFromTimestampColumns(TestDatabase db) {
        String t = db.createTable("stamped", "id " + db.keyType() + " PRIMARY KEY, at TIMESTAMP, "
                + "version BIGINT NOT NULL");
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        Instant at = Instant.parse("2024-05-06T07:08:09Z");
        c.table(t).insert(Map.of("id", 1, "at", java.sql.Timestamp.from(at)));
        Row r = c.table(t).find(1).orElseThrow();
        if (r.get("at") instanceof java.util.Date || r.get("at") instanceof java.time.OffsetDateTime) {
            assertThat(r.getInstant("at")).isEqualTo(at);
        } else {
            // SQLite stores the driver's text or number; a value without a time zone is refused, never guessed.
            assertThatThrownBy(() -> r.getInstant("at")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("point in time");
        }
    }
}
