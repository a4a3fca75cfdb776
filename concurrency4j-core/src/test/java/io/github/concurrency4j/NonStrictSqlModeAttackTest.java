package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.MariadbOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Attack (issue 14): MariaDB with a session {@code sql_mode} that is not strict (a legacy server configuration, a
 * pool's init SQL). MariaDB then stores a value cut to fit its column (a string truncated, a number clamped), with
 * only a warning, and counts the UPDATE as done: before the fix the engine reported the save of "abcdefgh" and
 * 99,999,999,999 at version 2 while the table held "abcde" and 2,147,483,647. Concurrency must refuse to start on
 * such a session, with a message that says what to set, rather than acknowledge values the table does not hold.
 */
class NonStrictSqlModeAttackTest {

    /** Connections of the test server whose sessions are not strict. */
    private static ConnectionSource nonStrict(TestDatabase db) {
        return new ConnectionSource() {
            @Override
            public Connection acquire() throws SQLException {
                Connection c = db.rawConnection();
                try (Statement s = c.createStatement()) {
                    s.execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
                }
                return c;
            }

            @Override
            public void release(Connection connection) throws SQLException {
                connection.close();
            }
        };
    }

    @MariadbOnly // sql_mode is MariaDB's (and MySQL's)
    void aSessionThatCutsValuesToFitIsRefusedAtStartupAndNothingIsReportedSaved(TestDatabase db) {
        String t = db.createTable("narrow", "id BIGINT PRIMARY KEY, name VARCHAR(5), price INT, "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, price, version) VALUES (1, 'a', 1, 1)");

        Long[] saved = new Long[1];
        Throwable e = catchThrowable(() -> {
            VersionedTable table = Concurrency.builder(nonStrict(db)).table(t).build().table(t);
            saved[0] = table.update(1, 1L, Map.of("name", "abcdefgh", "price", 99_999_999_999L));
        });

        Object name = db.queryValue("SELECT name FROM " + t + " WHERE id = 1");
        if (saved[0] != null) {
            assertThat(name).as("reported saved at version " + saved[0] + ": the table must hold what was saved")
                    .isEqualTo("abcdefgh");
        }
        assertThat(e).isInstanceOf(DeclarationException.class).hasMessageContaining("sql_mode")
                .hasMessageContaining("STRICT_TRANS_TABLES");
        assertThat(name).isEqualTo("a");
    }
}
