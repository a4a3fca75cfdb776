package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.triggers.TriggerSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack (issue 14): H2 in the compatibility modes applications run their tests in ({@code MODE=PostgreSQL},
 * {@code MODE=MySQL}, ...), where H2 changes how it parses, quotes, compares and counts. Every write path must keep
 * the promise there as in H2's own mode: a saved write is in the table at the version answered, a stale one is
 * refused with nothing written.
 */
class H2CompatibilityModesAttackTest {

    private static long value(JdbcDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @ParameterizedTest(name = "MODE={0}")
    @ValueSource(strings = {"PostgreSQL", "MySQL", "MariaDB", "Oracle", "MSSQLServer", "DB2", "Derby", "HSQLDB",
            "LEGACY", "STRICT"})
    void everyWritePathKeepsItsPromiseInH2CompatibilityMode(String mode) throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:mode_" + mode + "_" + System.nanoTime() + ";MODE=" + mode + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(50), price INT, version BIGINT NOT NULL)");
            s.execute("CREATE TABLE tracked (id BIGINT PRIMARY KEY, name VARCHAR(50), note VARCHAR(50), "
                    + "version BIGINT NOT NULL)");
            s.execute("CREATE TABLE account (id BIGINT PRIMARY KEY, balance INT, version BIGINT NOT NULL)");
        }
        Concurrency concurrency = Concurrency.builder(ds)
                .table("item")
                .table("tracked", t -> t.version("version", VersionStrategy.conditional().checkFields("name")))
                .table("account", t -> t.version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true))
                .build();
        VersionedTable items = concurrency.table("item");
        for (long id = 1; id <= 3; id++) {
            assertThat(items.insert(Map.of("id", id, "name", "n" + id, "price", 10)).version()).isEqualTo(1);
        }

        assertThat(items.update(1, 1L, Map.of("price", 11))).isEqualTo(2);
        assertThat(catchThrowable(() -> items.update(1, 1L, Map.of("price", 99))))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(items.update(1, 2L, Map.of("price", 11))).as("same value again: still a write").isEqualTo(3);
        assertThat(value(ds, "SELECT price FROM item WHERE id = 1")).isEqualTo(11);
        assertThat(value(ds, "SELECT version FROM item WHERE id = 1")).isEqualTo(3);

        BulkResult bulk = items.updateAll(List.of(new RowChange(2, 1L, Map.of("price", 22)),
                new RowChange(3, 7L, Map.of("price", 33))), BulkPolicy.SKIP_CONFLICTS);
        assertThat(bulk.saved()).extracting(i -> ((Number) i.key()).longValue()).containsExactly(2L);
        assertThat(bulk.conflicts()).hasSize(1);
        assertThat(value(ds, "SELECT price FROM item WHERE id = 2")).isEqualTo(22);
        assertThat(value(ds, "SELECT price FROM item WHERE id = 3")).isEqualTo(10);

        assertThat(catchThrowable(() -> items.delete(3, 5L))).isInstanceOf(RecordModifiedException.class);
        items.delete(3, 1L);
        assertThat(value(ds, "SELECT COUNT(*) FROM item WHERE id = 3")).isZero();
        Integer guarded = items.guard(List.of(new Identity(2, 2L)), c -> 1);
        assertThat(guarded).isEqualTo(1);

        VersionedTable tracked = concurrency.table("tracked");
        tracked.insert(Map.of("id", 1, "name", "a", "note", "x"));
        assertThat(tracked.update(1, 1L, Map.of("name", "a", "note", "y"))).as("tracked field unchanged")
                .isEqualTo(1);
        assertThat(tracked.update(1, 1L, Map.of("name", "b"))).as("tracked field changed").isEqualTo(2);
        assertThat(value(ds, "SELECT version FROM tracked WHERE id = 1")).isEqualTo(2);

        VersionedTable accounts = concurrency.table("account");
        accounts.insert(Map.of("id", 1, "balance", 5));
        assertThat(accounts.update(1, 1L, Map.of("balance", 6))).isEqualTo(2);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE account SET balance = 7 WHERE id = 1");   // an outside write
        }
        assertThat(value(ds, "SELECT version FROM account WHERE id = 1")).isEqualTo(3);
        assertThat(catchThrowable(() -> accounts.update(1, 2L, Map.of("balance", 99))))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(value(ds, "SELECT balance FROM account WHERE id = 1")).isEqualTo(7);
    }
}
