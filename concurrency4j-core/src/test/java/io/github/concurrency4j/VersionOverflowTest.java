package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A row at version {@link Long#MAX_VALUE}: a write that would bump it again wrapped it to {@link Long#MIN_VALUE}
 * (or, on SQLite, to a floating-point value), after which any stale version compared as newer. Every strategy and
 * every write path now refuses it with a clear error and writes nothing.
 */
class VersionOverflowTest {

    private static final Map<String, VersionStrategy> STRATEGIES = new LinkedHashMap<>();

    static {
        STRATEGIES.put("autoIncrement", VersionStrategy.autoIncrement());
        STRATEGIES.put("timestamp", VersionStrategy.timestamp());
        STRATEGIES.put("conditional", VersionStrategy.conditional().checkFields("price"));
        STRATEGIES.put("trigger", VersionStrategy.trigger());
    }

    private static final Map<String, Function<VersionedTable, Object>> WRITES = Map.of(
            "update", t -> t.update(1, Long.MAX_VALUE, Map.of("price", 11)),
            "unchecked update", t -> t.update(1, null, Map.of("price", 11)),
            "updateAll", t -> t.updateAll(List.of(new RowChange(1, Long.MAX_VALUE, Map.of("price", 11))),
                    BulkPolicy.SKIP_CONFLICTS),
            "unchecked updateAll", t -> t.updateAll(List.of(new RowChange(1, null, Map.of("price", 11))),
                    BulkPolicy.SKIP_CONFLICTS));

    @AllDatabases
    void aWriteThatWouldBumpPastTheLargestVersionIsRefusedAndWritesNothing(TestDatabase db) {
        for (Map.Entry<String, VersionStrategy> strategy : STRATEGIES.entrySet()) {
            String t = Fixtures.productTable(db);
            // Before the build: a version trigger, once created, turns any version written into old + 1.
            db.execute("UPDATE " + t + " SET version = " + Long.MAX_VALUE + " WHERE id = 1");
            VersionedTable products = Concurrency.builder(db.dataSource()).versionRequired(false)
                    .table(t, d -> d.key("id").version("version", strategy.getValue()))
                    .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                    .build().table(t);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(Long.MAX_VALUE);

            for (Map.Entry<String, Function<VersionedTable, Object>> write : WRITES.entrySet()) {
                Throwable e = catchThrowable(() -> write.getValue().apply(products));

                assertThat(e).as("%s %s on %s", strategy.getKey(), write.getKey(), db)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is at version " + Long.MAX_VALUE)
                        .hasMessageContaining("Nothing was written");
                assertThat(db.queryLong("SELECT price FROM " + t + " WHERE id = 1")).isEqualTo(10);
                assertThat(db.queryValue("SELECT version FROM " + t + " WHERE id = 1").toString())
                        .isEqualTo(Long.toString(Long.MAX_VALUE));
            }
        }
    }
}
