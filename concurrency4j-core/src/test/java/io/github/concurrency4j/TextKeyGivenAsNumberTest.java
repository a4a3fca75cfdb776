package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.SoftAssertions;

/**
 * A number given as the key of a text key column is refused on every path, single-row and bulk alike, before any
 * SQL runs: compared with text, a number names no row (PostgreSQL refuses the comparison), several ({@code '1'} and
 * {@code '01'} on MariaDB, which compares them as numbers), or one by a conversion each database does its own way.
 */
class TextKeyGivenAsNumberTest {

    private static String rows(TestDatabase db, String t) {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.rawConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT id, name, version FROM " + t + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getString(2) + "/v" + rs.getLong(3));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return String.join(" ", rows);
    }

    @AllDatabases
    void aNumberForATextKeyIsRefusedAlikeOnEveryPathAndNothingIsWritten(TestDatabase db) {
        String t = db.createTable("textkey", "id VARCHAR(20) PRIMARY KEY, name VARCHAR(20), version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, version) VALUES ('1', 'one', 1)",
                "INSERT INTO " + t + " (id, name, version) VALUES ('01', 'zero-one', 1)");
        String untouched = "01/zero-one/v1 1/one/v1";
        Concurrency concurrency = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable table = concurrency.table(t);

        SoftAssertions soft = new SoftAssertions();
        for (Object key : List.<Object>of(1L, 1, new BigDecimal("1"))) {
            Map<String, Runnable> paths = new LinkedHashMap<>();
            paths.put("update", () -> table.update(key, 1L, Map.of("name", "x")));
            paths.put("updateWithoutIncrement", () -> table.updateWithoutIncrement(key, 1L, Map.of("name", "x")));
            paths.put("delete", () -> table.delete(key, 1L));
            paths.put("find", () -> table.find(key));
            paths.put("find(version)", () -> table.find(key, 1L));
            paths.put("isChanged", () -> table.isChanged(key, 1L));
            paths.put("check", () -> table.check(key, 1L));
            paths.put("updateAll", () -> table.updateAll(List.of(RowChange.of(key, 1L, Map.of("name", "x")))));
            paths.put("updateAll ABORT_ALL", () -> table.updateAll(List.of(RowChange.of(key, 1L,
                    Map.of("name", "x"))), BulkPolicy.ABORT_ALL));
            paths.put("deleteAll", () -> table.deleteAll(List.of(Identity.of(key, 1L))));
            AtomicBoolean ran = new AtomicBoolean();
            paths.put("guard", () -> table.guard(List.of(Identity.of(key, 1L)), c -> ran.getAndSet(true)));
            paths.put("disable(key)", () -> table.disable(key).close());
            for (Map.Entry<String, Runnable> path : paths.entrySet()) {
                String what = path.getKey() + " with " + key.getClass().getSimpleName() + " " + key;
                Throwable refused = catchThrowable(() -> path.getValue().run());
                soft.assertThat(refused).as(what + " (the table then holds " + rows(db, t) + ")")
                        .isInstanceOf(IllegalArgumentException.class);
                if (refused instanceof IllegalArgumentException) {
                    soft.assertThat(refused).as(what).hasMessageContaining("'id'").hasMessageContaining(t)
                            .hasMessageContaining("text").hasMessageContaining("String");
                }
                soft.assertThat(rows(db, t)).as(what).isEqualTo(untouched);
            }
            soft.assertThat(ran).as("guarded action with " + key).isFalse();
        }
        soft.assertAll();

        // The key as text names its own row on every path.
        assertThat(table.update("1", 1L, Map.of("name", "x"))).isEqualTo(2L);
        assertThat(table.updateAll(List.of(RowChange.of("01", 1L, Map.of("name", "y")))).saved())
                .containsExactly(Identity.of("01", 2));
        assertThat(rows(db, t)).isEqualTo("01/y/v2 1/x/v2");
    }
}
