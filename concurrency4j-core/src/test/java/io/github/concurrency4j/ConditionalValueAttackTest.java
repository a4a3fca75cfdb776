package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGobject;

/**
 * {@code conditional()} against the column types whose equality is coarser or finer than what they store. The rule
 * a user can rely on: a tracked value that reads back different after the write is a change (the version rises, and a
 * writer still holding the old version is refused), and a value that reads back the same is none (the version stays,
 * so nobody gets a false conflict). Each case races two users on the same row: A writes the tracked column, B still
 * holds version 1 and edits another column. Single-row and bulk, every result read back from the table over another
 * connection.
 *
 * <p>Before the fix, on PostgreSQL: a nondeterministic ICU collation, a domain over {@code citext}, {@code box}
 * (whose {@code =} compares areas), {@code interval} ({@code '1 day' = '24 hours'}), {@code numeric} scale,
 * {@code -0.0} and text arrays under a case-blind collation all left the version at 1 while the stored value changed,
 * and B's stale write was acknowledged; {@code xml} failed every write ("operator does not exist: xml = xml"); a
 * {@code timestamp(0)} given fractional seconds bumped a version for a value the column stores unchanged.
 * On SQLite a {@code COLLATE NOCASE} or {@code RTRIM} column and on H2 a {@code VARCHAR_IGNORECASE} column lost the
 * same way.
 */
class ConditionalValueAttackTest {

    /**
     * One tracked column: its type, the value it starts with (SQL), the value user A writes (Java), and whether that
     * write changes what the column reads back.
     */
    private record Case(String type, String initial, Object value, boolean change) {
        @Override
        public String toString() {
            return type + ": " + initial + " <- " + value;
        }
    }

    @AllDatabases
    void aValueThatReadsBackDifferentRaisesTheVersionAndOneThatReadsBackTheSameDoesNot(TestDatabase db) {
        List<Case> cases = switch (db.name()) {
            case "postgresql" -> postgresCases(db);
            case "mariadb" -> mariadbCases();
            case "sqlite" -> sqliteCases();
            default -> h2Cases();
        };
        race(db, cases);
    }

    private static List<Case> postgresCases(TestDatabase db) {
        db.execute("CREATE EXTENSION IF NOT EXISTS citext",
                "CREATE COLLATION IF NOT EXISTS c4j_case_blind (provider = icu, locale = 'und-u-ks-level2', "
                        + "deterministic = false)");
        db.execute("DO $$ BEGIN CREATE DOMAIN c4j_email AS citext; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        db.execute("DO $$ BEGIN CREATE TYPE c4j_value_mood AS ENUM ('happy', 'sad'); "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        return List.of(
                new Case("TEXT COLLATE c4j_case_blind", "'apple'", "Apple", true),
                new Case("c4j_email", "'bob@example.org'", "Bob@example.org", true),
                new Case("BOX", "'((0,0),(1,1))'", pg("box", "((5,5),(6,6))"), true),
                new Case("INTERVAL", "'1 day'", pg("interval", "24 hours"), true),
                new Case("NUMERIC", "1.0", new BigDecimal("1.00"), true),
                new Case("DOUBLE PRECISION", "0", -0.0d, true),
                new Case("XML", "'<a/>'", pg("xml", "<b/>"), true),
                new Case("TEXT[] COLLATE c4j_case_blind", "'{apple}'", pg("_text", "{Apple}"), true),
                new Case("NUMERIC[]", "'{1.0}'", pg("_numeric", "{1.00}"), true),
                new Case("TEXT", "NULL", "", true),
                new Case("TEXT", "''", null, true),
                // The same value as stored: no change.
                new Case("TEXT", "NULL", null, false),
                new Case("JSONB", "'{\"a\": 1, \"b\": 2}'", pg("jsonb", "{\"b\":2,\"a\":1}"), false),
                new Case("TIMESTAMPTZ", "'2026-01-01 10:00:00+00'",
                        OffsetDateTime.of(2026, 1, 1, 11, 0, 0, 0, ZoneOffset.ofHours(1)), false),
                new Case("NUMERIC(10,2)", "12.50", new BigDecimal("12.5"), false),
                new Case("NUMERIC(10,2)", "12.50", new BigDecimal("12.504"), false),
                new Case("NUMERIC(10,2)", "12.50", new BigDecimal("12.505"), true),
                new Case("CHAR(3)", "'ab'", "ab ", false),
                new Case("TIMESTAMP(0)", "'2026-01-01 10:00:00'", LocalDateTime.of(2026, 1, 1, 10, 0, 0, 400_000_000),
                        false),
                new Case("DOUBLE PRECISION", "'NaN'", Double.NaN, false),
                new Case("INET", "'10.0.0.1'", pg("inet", "10.0.0.1/32"), false),
                new Case("UUID", "'0e4f3c52-8c4b-4a5e-9a53-3c5b1a9e0001'",
                        UUID.fromString("0E4F3C52-8C4B-4A5E-9A53-3C5B1A9E0001"), false),
                new Case("BYTEA", "'\\x0102'", new byte[] {1, 2}, false),
                new Case("BYTEA", "'\\x0102'", new byte[] {1, 3}, true),
                new Case("c4j_value_mood", "'happy'", pg("c4j_value_mood", "happy"), false),
                new Case("c4j_value_mood", "'happy'", pg("c4j_value_mood", "sad"), true),
                new Case("TEXT", "'12'", 12, false),
                new Case("NUMERIC(30,1)", "12345678901234567890.5", 1.2345678901234567E19, true),
                new Case("BIGINT", "9007199254740993", 9.007199254740992E15, true));
    }

    private static List<Case> mariadbCases() {
        return List.of(
                new Case("VARCHAR(20)", "NULL", "", true),
                new Case("VARCHAR(20)", "''", null, true),
                new Case("VARCHAR(20)", "NULL", null, false),
                new Case("DECIMAL(10,2)", "12.50", new BigDecimal("12.5"), false),
                // Rounded to the column's scale: 12.504 stores 12.50 (no change), 12.505 stores 12.51.
                new Case("DECIMAL(10,2)", "12.50", new BigDecimal("12.504"), false),
                new Case("DECIMAL(10,2)", "12.50", new BigDecimal("12.505"), true),
                new Case("CHAR(3)", "'ab'", "ab ", false),
                // Two numbers a DOUBLE cannot tell apart: compared as doubles they were equal.
                new Case("DECIMAL(30,1)", "12345678901234567890.5", 1.2345678901234567E19, true),
                new Case("BIGINT", "9007199254740993", 9.007199254740992E15, true));
    }

    private static List<Case> sqliteCases() {
        return List.of(
                new Case("TEXT COLLATE NOCASE", "'apple'", "Apple", true),
                new Case("TEXT COLLATE RTRIM", "'apple'", "apple ", true),
                new Case("TEXT", "NULL", "", true),
                new Case("TEXT", "''", null, true),
                new Case("TEXT", "NULL", null, false),
                new Case("INTEGER", "9007199254740993", 9.007199254740992E15, true),
                // The column's affinity applies to the value on both sides of the comparison, as to the assignment.
                new Case("TEXT", "'12'", 12, false),
                new Case("INTEGER", "12", "12", false),
                new Case("BLOB", "x'0102'", new byte[] {1, 2}, false),
                // SQLite stores -0.0 as 0.0: no change.
                new Case("REAL", "0.0", -0.0d, false));
    }

    private static List<Case> h2Cases() {
        return List.of(
                new Case("VARCHAR_IGNORECASE(20)", "'apple'", "Apple", true),
                new Case("VARCHAR(20)", "NULL", "", true),
                new Case("VARCHAR(20)", "''", null, true),
                new Case("VARCHAR(20)", "NULL", null, false),
                new Case("NUMERIC(10,2)", "12.50", new BigDecimal("12.5"), false),
                new Case("CHAR(3)", "'ab'", "ab ", false),
                new Case("NUMERIC(30,1)", "12345678901234567890.5", 1.2345678901234567E19, true),
                new Case("BIGINT", "9007199254740993", 9.007199254740992E15, true),
                new Case("TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE '2026-01-01 10:00:00+00'",
                        OffsetDateTime.of(2026, 1, 1, 11, 0, 0, 0, ZoneOffset.ofHours(1)), true),
                new Case("TIME WITH TIME ZONE", "TIME WITH TIME ZONE '10:00:00+00'",
                        OffsetTime.of(11, 0, 0, 0, ZoneOffset.ofHours(1)), true),
                new Case("TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE '2026-01-01 10:00:00+00'",
                        OffsetDateTime.of(2026, 1, 1, 10, 0, 0, 0, ZoneOffset.UTC), false),
                // H2 stores a DECFLOAT without trailing zeros and a DOUBLE's -0.0 as 0.0: no change.
                new Case("DECFLOAT", "1.0", new BigDecimal("1.00"), false),
                new Case("DOUBLE PRECISION", "0", -0.0d, false));
    }

    /**
     * H2's Oracle mode stores an empty string as NULL, as Oracle does: {@code ''} over {@code 'x'} is a change (the
     * column reads back NULL), {@code ''} over NULL is none.
     */
    @Test
    void anEmptyStringUnderH2sOracleModeCountsAsTheNullItStores() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:oracle_" + System.nanoTime() + ";MODE=Oracle;DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(20), note VARCHAR(20), "
                    + "version BIGINT NOT NULL)");
            s.execute("INSERT INTO item VALUES (1, 'x', NULL, 1), (2, NULL, NULL, 1)");
        }
        VersionedTable items = Fixtures.concurrency(ds, "item", VersionStrategy.conditional().checkFields("name"))
                .table("item");
        assertThat(items.update(1, 1L, Map.of("name", ""))).as("'' over 'x'").isEqualTo(2L);
        assertThatThrownBy(() -> items.update(1, 1L, Map.of("note", "B"))).isInstanceOf(RecordModifiedException.class);
        assertThat(items.update(2, 1L, Map.of("name", ""))).as("'' over NULL").isEqualTo(1L);
        assertThat(items.update(2, 1L, Map.of("note", "B"))).isEqualTo(1L);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, note, version FROM item ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.getString(3)).isNull();
            assertThat(rs.getLong(4)).isEqualTo(2);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.getString(3)).isEqualTo("B");
            assertThat(rs.getLong(4)).isEqualTo(1);
        }
    }

    /**
     * An H2 database whose collation ignores case ({@code SET COLLATION ENGLISH STRENGTH PRIMARY}, set before any
     * table): every text type compares without regard to case, and a change of case must still bump the version.
     */
    @Test
    void aChangeOfCaseUnderACaseBlindH2CollationRaisesTheVersion() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:collation_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET COLLATION ENGLISH STRENGTH PRIMARY");
            s.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, v VARCHAR(20), ch CHAR(5), cl CLOB, "
                    + "note VARCHAR(20), version BIGINT NOT NULL)");
            s.execute("INSERT INTO item VALUES (1, 'apple', NULL, NULL, NULL, 1), (2, NULL, 'apple', NULL, NULL, 1), "
                    + "(3, NULL, NULL, 'apple', NULL, 1)");
        }
        VersionedTable items = Fixtures.concurrency(ds, "item",
                VersionStrategy.conditional().checkFields("v", "ch", "cl")).table("item");
        SoftAssertions softly = new SoftAssertions();
        String[] columns = {"v", "ch", "cl"};
        for (int i = 0; i < columns.length; i++) {
            int row = i + 1;
            Object answer;
            try {
                answer = items.update(row, 1L, Map.of(columns[i], "Apple"));
            } catch (RuntimeException e) {
                answer = e.toString();
            }
            softly.assertThat(answer).as(columns[i]).isEqualTo(2L);
            softly.assertThatThrownBy(() -> items.update(row, 1L, Map.of("note", "B"))).as(columns[i] + ": B")
                    .isInstanceOf(RecordModifiedException.class);
        }
        softly.assertAll();
    }

    /**
     * Row {@code i + 1} is written by {@code update}, row {@code i + 101} by {@code updateAll}; case {@code i} tracks
     * column {@code c<i>}, and every case column is tracked.
     */
    private static void race(TestDatabase db, List<Case> cases) {
        StringBuilder columns = new StringBuilder("id BIGINT PRIMARY KEY, note VARCHAR(20), version BIGINT NOT NULL");
        List<String> tracked = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            columns.append(", c").append(i).append(' ').append(cases.get(i).type());
            tracked.add("c" + i);
        }
        String t = db.createTable("typed", columns.toString());
        for (int i = 0; i < cases.size(); i++) {
            for (int row : new int[] {i + 1, i + 101}) {
                db.execute("INSERT INTO " + t + " (id, version, c" + i + ") VALUES (" + row + ", 1, "
                        + cases.get(i).initial() + ")");
            }
        }
        VersionedTable rows = Fixtures.concurrency(db.dataSource(), t,
                VersionStrategy.conditional().checkFields(tracked.toArray(String[]::new))).table(t);

        SoftAssertions softly = new SoftAssertions();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String column = "c" + i;
            Map<String, Object> change = new HashMap<>();
            change.put(column, c.value());
            long expected = c.change() ? 2 : 1;

            // Single-row: A writes, then B (still at version 1) edits the note.
            int single = i + 1;
            String before = read(db, t, column, single);
            Object answer;
            try {
                answer = rows.update(single, 1L, change);
            } catch (RuntimeException e) {
                answer = e.toString();
            }
            String after = read(db, t, column, single);
            softly.assertThat(!before.equals(after)).as("%s reads back different (%s -> %s)", c, before, after)
                    .isEqualTo(c.change());
            softly.assertThat(answer).as("%s: update's version", c).isEqualTo(expected);
            softly.assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = " + single))
                    .as("%s: stored version", c).isEqualTo(expected);
            raceB(softly, db, t, rows, c, column, single, after, false);

            // Bulk: the same on another row.
            int bulk = i + 101;
            Object bulkAnswer;
            try {
                bulkAnswer = rows.updateAll(List.of(RowChange.of(bulk, 1L, change)), BulkPolicy.ABORT_ALL)
                        .savedVersions().get((long) bulk);
            } catch (RuntimeException e) {
                bulkAnswer = e.toString();
            }
            String bulkAfter = read(db, t, column, bulk);
            softly.assertThat(bulkAfter).as("%s: bulk stores as update does", c).isEqualTo(after);
            softly.assertThat(bulkAnswer).as("%s: updateAll's version", c).isEqualTo(expected);
            softly.assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = " + bulk))
                    .as("%s: stored version (bulk)", c).isEqualTo(expected);
            raceB(softly, db, t, rows, c, column, bulk, bulkAfter, true);
        }
        softly.assertAll();
    }

    /** B, holding version 1, edits the note: refused after a change, saved after none; A's value stays. */
    private static void raceB(SoftAssertions softly, TestDatabase db, String t, VersionedTable rows, Case c, String column,
                              int row, String aStored, boolean bulk) {
        Map<String, Object> edit = Map.of("note", "B's note");
        if (c.change()) {
            if (bulk) {
                BulkResult result = rows.updateAll(List.of(RowChange.of(row, 1L, edit)), BulkPolicy.SKIP_CONFLICTS);
                softly.assertThat(result.saved()).as("%s: B's stale bulk edit", c).isEmpty();
            } else {
                softly.assertThatThrownBy(() -> rows.update(row, 1L, edit)).as("%s: B's stale edit", c)
                        .isInstanceOf(RecordModifiedException.class);
            }
            softly.assertThat(db.queryValue("SELECT note FROM " + t + " WHERE id = " + row))
                    .as("%s: B's note is not stored", c).isNull();
        } else {
            Object v;
            try {
                v = bulk ? rows.updateAll(List.of(RowChange.of(row, 1L, edit)), BulkPolicy.ABORT_ALL)
                        .savedVersions().get((long) row) : rows.update(row, 1L, edit);
            } catch (RuntimeException e) {
                v = e.getClass().getSimpleName();
            }
            softly.assertThat(v).as("%s: B's edit after no change", c).isEqualTo(1L);
            softly.assertThat(db.queryValue("SELECT note FROM " + t + " WHERE id = " + row))
                    .as("%s: B's note is stored", c).isEqualTo("B's note");
        }
        softly.assertThat(read(db, t, column, row)).as("%s: A's value stays", c).isEqualTo(aStored);
    }

    /** The column's value as text that tells every stored difference apart, "null" for NULL. */
    private static String read(TestDatabase db, String t, String column, int row) {
        String expr = switch (db.name()) {
            case "postgresql" -> column + "::text";
            case "mariadb" -> "CAST(" + column + " AS CHAR)";
            case "sqlite" -> "quote(" + column + ")";
            default -> "CAST(" + column + " AS VARCHAR)";
        };
        return String.valueOf(db.queryValue("SELECT " + expr + " FROM " + t + " WHERE id = " + row));
    }

    private static PGobject pg(String type, String value) {
        PGobject o = new PGobject();
        try {
            o.setType(type);
            o.setValue(value);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return o;
    }
}
