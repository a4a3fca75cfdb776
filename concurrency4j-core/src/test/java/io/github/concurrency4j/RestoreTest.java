package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Restoring a deleted row continues its version (the seed's django-reversion recipe). */
class RestoreTest {

    @AllDatabases
    void aFormOpenedBeforeTheDeleteIsRefusedAfterTheRestore(TestDatabase db) {
        String auto = Fixtures.productTable(db);
        String stamp = Fixtures.productTable(db);
        String cond = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(auto)
                .table(stamp, d -> d.version("version", VersionStrategy.timestamp()))
                .table(cond, d -> d.version("version", VersionStrategy.conditional().checkFields("price")))
                .clock(Clock.fixed(Instant.parse("2000-01-01T00:00:01Z"), ZoneOffset.UTC))
                .build();
        for (String t : List.of(auto, stamp, cond)) {
            VersionedTable products = c.table(t);
            Row form = products.find(1).orElseThrow();          // a user opens the edit form at version 1
            Row kept = products.find(1).orElseThrow();          // what a history table keeps
            products.delete(1, kept.version());

            Identity restored = products.restore(kept.values(), kept.version());
            assertThat(restored.key()).isEqualTo(1L);
            assertThat(restored.version()).isGreaterThan(kept.version());
            assertThat(products.find(1).orElseThrow().identity()).isEqualTo(restored);

            assertThatThrownBy(() -> products.update(1, form.version(), Map.of("name", "stale form")))
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(products.isChanged(1, form.version())).isTrue();
            assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("apple");
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(restored.version());
            // A form opened after the restore saves as usual.
            assertThat(products.update(1, restored.version(), Map.of("name", "fresh", "price", 11))).isGreaterThan(restored.version());
        }
        // Timestamp versions: the greater of last + 1 and now (the clock reads 1 s after the epoch: 1,000,000 µs).
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + stamp + " WHERE id = 1 AND version > 1")).isEqualTo(1);
    }

    @AllDatabases
    void restoreRefusesWhatItCannotHonourAndWritesNothing(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);
        Row kept = products.find(1).orElseThrow();
        products.delete(1, 1L);

        Map<String, Object> noKey = new HashMap<>(kept.values());
        noKey.remove("id");
        assertThatThrownBy(() -> products.restore(noKey, 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no key");
        assertThatThrownBy(() -> products.restore(kept.values(), 5L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version column");
        assertThatThrownBy(() -> products.restore(Map.of("id", 1, "colour", "red"), 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> products.restore(Map.of("id", 1), Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no greater version");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE id = 1")).isZero();

        // A row that still exists is not restored over: the database refuses the duplicate key.
        assertThatThrownBy(() -> products.restore(Map.of("id", 2, "name", "ghost"), 1L))
                .isInstanceOf(StatementFailedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 2")).isEqualTo("pear");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 2")).isEqualTo(1);
    }
}
