package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The same (column type, Java value) gives the same outcome through a single {@code update} and through
 * {@code updateAll} on PostgreSQL: the same value stored with the same version, or a refusal on both with nothing
 * written. The single update binds with {@code PreparedStatement.setObject}, so it is what the driver does; the bulk
 * statement carries values as arrays and must land the same. Run with the driver's default (Strings sent as
 * {@code varchar}) and with {@code stringtype=unspecified} (Strings sent untyped), under {@code autoIncrement()} and
 * {@code conditional()}. Every outcome is read from the table.
 */
class PostgresTypeParityTest {

    enum Mood { sad, ok, happy }

    /** The column types PostgreSQL users commonly have, each with a starting value. */
    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("int2", "1");
        TYPES.put("int4", "1");
        TYPES.put("int8", "1");
        TYPES.put("numeric", "1");
        TYPES.put("numeric(10,2)", "1");
        TYPES.put("float8", "1");
        TYPES.put("bool", "false");
        TYPES.put("uuid", "'00000000-0000-0000-0000-000000000000'");
        TYPES.put("json", "'{}'");
        TYPES.put("jsonb", "'{}'");
        TYPES.put("date", "'2000-01-01'");
        TYPES.put("timestamp", "'2000-01-01 00:00:00'");
        TYPES.put("timestamptz", "'2000-01-01 00:00:00+00'");
        TYPES.put("time", "'00:00:00'");
        TYPES.put("varchar(5)", "'a'");
        TYPES.put("char(3)", "'a'");
        TYPES.put("text", "'a'");
        TYPES.put("bytea", "'\\x00'");
        TYPES.put("MOOD", "'sad'");
    }

    /** Java values a user may pass, named for the report. */
    private static Map<String, Object> values() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("null", null);
        v.put("String 5", "5");
        v.put("String 5.25", "5.25");
        v.put("String true", "true");
        v.put("String uuid", "123e4567-e89b-12d3-a456-426614174000");
        v.put("String json", "{\"a\": 1}");
        v.put("String date", "2024-02-29");
        v.put("String timestamp", "2024-02-29 10:11:12");
        v.put("String timestamptz", "2024-02-29 10:11:12+02");
        v.put("String happy", "happy");
        v.put("String long", "abcdefgh");
        v.put("String empty", "");
        v.put("Integer", 5);
        v.put("Long", 5L);
        v.put("Short", (short) 5);
        v.put("Byte", (byte) 5);
        v.put("Long big", 9_007_199_254_740_993L);
        v.put("BigInteger", BigInteger.valueOf(7));
        v.put("BigDecimal", new BigDecimal("5.25"));
        v.put("BigDecimal 1E+3", new BigDecimal("1E+3"));
        v.put("Double", 5.5d);
        v.put("Float", 5.5f);
        v.put("Boolean", Boolean.TRUE);
        v.put("Character", 'h');
        v.put("UUID", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        v.put("LocalDate", LocalDate.of(2024, 2, 29));
        v.put("LocalDateTime", LocalDateTime.of(2024, 2, 29, 10, 11, 12));
        v.put("LocalDateTime nanos", LocalDateTime.of(2024, 2, 29, 10, 11, 12, 123_456_789));
        v.put("OffsetDateTime", OffsetDateTime.of(2024, 2, 29, 10, 11, 12, 0, ZoneOffset.ofHours(2)));
        v.put("LocalTime", LocalTime.of(10, 11));
        v.put("java.sql.Date", java.sql.Date.valueOf("2024-02-29"));
        v.put("Timestamp", Timestamp.valueOf("2024-02-29 10:11:12.5"));
        v.put("java.util.Date", new java.util.Date(1_709_201_472_000L));
        v.put("Instant", Instant.parse("2024-02-29T10:11:12Z"));
        v.put("byte[]", new byte[] {1, 2, 3});
        v.put("enum", Mood.happy);
        v.put("PGobject json", JsonConditionalTest.pg("json", "{\"a\": 1}"));
        v.put("PGobject jsonb", JsonConditionalTest.pg("jsonb", "{\"a\": 1}"));
        return v;
    }

    @PostgresqlOnly
    void theSameValueHasTheSameOutcomeThroughUpdateAndUpdateAll(TestDatabase db) throws Exception {
        String mood = "mood_" + Long.toString(System.nanoTime(), 36);
        db.execute("CREATE TYPE " + mood + " AS ENUM ('sad', 'ok', 'happy')");
        try (HikariDataSource untyped = JsonConditionalTest.unspecified(db);
             HikariDataSource faraway = pool(db, "", "SET TIME ZONE 'Pacific/Chatham'")) {
            List<String> mismatches = new ArrayList<>();
            StringBuilder report = new StringBuilder();
            Map<String, DataSource> drivers = new LinkedHashMap<>();
            drivers.put("stringtype=varchar", db.dataSource());
            drivers.put("stringtype=unspecified", untyped);
            // A session zone of +13:45 (the JVM's is another): dates and times must land as the driver binds them.
            drivers.put("session zone Pacific/Chatham", faraway);
            for (Map.Entry<String, DataSource> driver : drivers.entrySet()) {
                for (boolean conditional : List.of(false, true)) {
                    matrix(db, driver.getValue(), mood, driver.getKey() + (conditional ? " conditional"
                            : " autoIncrement"), conditional, mismatches, report);
                }
            }
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/postgres-type-parity.txt"), report);
            assertThat(mismatches).as("(type, value) pairs whose outcome differs between update and updateAll; "
                    + "the whole matrix is in target/postgres-type-parity.txt").isEmpty();
        } finally {
            db.execute("DROP TYPE IF EXISTS " + mood + " CASCADE");
        }
    }

    private static void matrix(TestDatabase db, DataSource ds, String mood, String mode, boolean conditional,
                               List<String> mismatches, StringBuilder report) {
        Map<String, Object> values = values();
        for (Map.Entry<String, String> type : TYPES.entrySet()) {
            String sqlType = type.getKey().equals("MOOD") ? mood : type.getKey();
            String t = db.createTable("parity", "id BIGINT PRIMARY KEY, col " + sqlType + ", version BIGINT NOT NULL");
            StringBuilder insert = new StringBuilder("INSERT INTO " + t + " (id, col, version) VALUES ");
            for (int i = 0; i < values.size(); i++) {
                insert.append(i == 0 ? "" : ", ").append("(").append(2 * i + 1).append(", ").append(type.getValue())
                        .append(", 1), (").append(2 * i + 2).append(", ").append(type.getValue()).append(", 1)");
            }
            db.execute(insert.toString());
            String before = row(db, t, 1);
            VersionedTable rows = Concurrency.builder(ds).table(t, d -> d.key("id").version("version",
                    conditional ? VersionStrategy.conditional() : VersionStrategy.autoIncrement())).build().table(t);
            int i = 0;
            for (Map.Entry<String, Object> value : values.entrySet()) {
                long single = 2L * i + 1;
                long bulk = 2L * i + 2;
                i++;
                Map<String, Object> change = new HashMap<>();
                change.put("col", value.getValue());
                String singleError = null;
                try {
                    rows.update(single, 1L, change);
                } catch (RuntimeException e) {
                    singleError = refusal(e, mismatches, mode + " | " + type.getKey() + " <- " + value.getKey()
                            + " (update)");
                }
                String bulkError = null;
                try {
                    rows.updateAll(List.of(RowChange.of(bulk, 1L, change)), BulkPolicy.ABORT_ALL);
                } catch (RuntimeException e) {
                    bulkError = refusal(e, mismatches, mode + " | " + type.getKey() + " <- " + value.getKey()
                            + " (updateAll)");
                }
                String singleRow = row(db, t, single);
                String bulkRow = row(db, t, bulk);
                String where = mode + " | " + type.getKey() + " <- " + value.getKey();
                report.append(where).append("\n    update:    ")
                        .append(singleError == null ? "stored " + singleRow : "refused " + firstLine(singleError))
                        .append("\n    updateAll: ")
                        .append(bulkError == null ? "stored " + bulkRow : "refused " + firstLine(bulkError))
                        .append('\n');
                if (!java.util.Objects.equals(singleError, bulkError) || !singleRow.equals(bulkRow)) {
                    mismatches.add(where + ": update " + (singleError == null ? "stored " + singleRow
                            : "refused " + singleError) + ", updateAll " + (bulkError == null ? "stored " + bulkRow
                            : "refused " + bulkError));
                }
                if (singleError != null && !singleRow.equals(before)) {
                    mismatches.add(where + ": update refused but the row changed to " + singleRow);
                }
                if (bulkError != null && !bulkRow.equals(before)) {
                    mismatches.add(where + ": updateAll refused but the row changed to " + bulkRow);
                }
            }
        }
    }

    /**
     * A refusal as the two paths must agree on it: the exception's type, the SQLSTATE and the database's own first
     * line. A value of another type than the column's must also say what to pass instead, on both paths.
     */
    private static String refusal(RuntimeException e, List<String> mismatches, String where) {
        if (!(e instanceof StatementFailedException f)) {
            return e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        }
        if ("42804".equals(f.sqlState()) && !(e.getMessage().contains("\"col\"")
                && e.getMessage().contains("stringtype=unspecified"))) {
            mismatches.add(where + ": the refusal does not name the column and say what to pass: " + e.getMessage());
        }
        // A batch reports the database's error as the next exception of its BatchUpdateException.
        java.sql.SQLException server = f.getCause();
        if (server instanceof java.sql.BatchUpdateException && server.getNextException() != null) {
            server = server.getNextException();
        }
        return "StatementFailedException " + f.sqlState() + ": " + firstLine(server.getMessage());
    }

    /** A pool on the test's PostgreSQL database with extra URL parameters and a statement run on every connection. */
    private static HikariDataSource pool(TestDatabase db, String parameters, String initSql) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(db.url() + parameters);
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        config.setConnectionInitSql(initSql);
        return new HikariDataSource(config);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The column as text and the version, read from the table. */
    private static String row(TestDatabase db, String t, long id) {
        Object v = db.queryValue("SELECT coalesce(col::text, 'NULL') || ' @v' || version FROM " + t + " WHERE id = "
                + id);
        return String.valueOf(v);
    }
}
