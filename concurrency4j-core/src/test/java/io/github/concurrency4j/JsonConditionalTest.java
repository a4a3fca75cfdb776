package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.util.PGobject;

/**
 * A JSON column tracked by {@code conditional()}: a changed document bumps the version, the same document does not,
 * on the single-row {@code update} and on {@code updateAll}, on every database. PostgreSQL's {@code json} has no
 * equality operator (before the fix: "operator does not exist: json = json" on both paths), so it is compared by its
 * text; {@code jsonb} by its normalized text. Every case reads the document and the version back from the table.
 */
class JsonConditionalTest {

    /** How each database takes a JSON document from Java: text, except H2, which reads a String as a JSON string. */
    private static Object document(TestDatabase db, String json) {
        if (db.name().equals("postgresql")) {
            return pg("json", json);
        }
        if (db.name().equals("h2")) {
            return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return json;
    }

    /** The document as the database holds it, as text. */
    private static String stored(TestDatabase db, String table, long id) {
        String expr = switch (db.name()) {
            case "postgresql" -> "doc::text";
            case "h2" -> "CAST(doc AS VARCHAR)";
            default -> "doc";
        };
        Object v = db.queryValue("SELECT " + expr + " FROM " + table + " WHERE id = " + id);
        return v == null ? null : v.toString();
    }

    @AllDatabases
    void aChangedJsonDocumentBumpsTheVersionAndTheSameOneDoesNotOnBothPaths(TestDatabase db) {
        String original = "{\"a\":1}";
        String changed = "{\"a\":2}";
        // JSON on every database; on MariaDB an alias of LONGTEXT with a json_valid check.
        run(db, db.dataSource(), "JSON", json -> document(db, json), original, changed, changed);
    }

    /**
     * jsonb: compared by its normalized text, which is what it stores: key order and blanks do not count, 1.0 for 1
     * does (jsonb's own {@code =} calls those equal, but the stored text changes).
     */
    @PostgresqlOnly
    void jsonbIsComparedByItsNormalizedTextOnBothPaths(TestDatabase db) {
        // The same document spelled with other blanks and key order is unchanged for jsonb.
        run(db, db.dataSource(), "JSONB", json -> pg("jsonb", json), "{\"a\":1,\"b\":2}", "{\"a\":3,\"b\":2}",
                "{\"a\": 3, \"b\": 2}");
        String t = table(db, "JSONB", "{\"a\": 1, \"b\": 2}");
        VersionedTable rows = conditional(db.dataSource(), t);
        assertThat(rows.update(1, 1L, Map.of("doc", pg("jsonb", "{ \"b\":2 ,\"a\":1 }")))).isEqualTo(1);
        assertThat(rows.updateAll(List.of(RowChange.of(2, 1L, Map.of("doc", pg("jsonb", "{\"b\":2,\"a\":1}")))))
                .savedVersions()).containsEntry(2L, 1L);
        // 1.0 for 1 is jsonb-equal, but stored differently: a change.
        assertThat(rows.update(3, 1L, Map.of("doc", pg("jsonb", "{\"a\":1.0,\"b\":2}")))).isEqualTo(2);
        assertThat(rows.updateAll(List.of(RowChange.of(4, 1L, Map.of("doc", pg("jsonb", "{\"a\":1.0,\"b\":2}")))))
                .savedVersions()).containsEntry(4L, 2L);
        assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE version = 1 AND doc::text = '{\"a\": 1, "
                + "\"b\": 2}'")).isEqualTo(2);
        assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE version = 2 AND doc::text = '{\"a\": 1.0, "
                + "\"b\": 2}'")).isEqualTo(2);
    }

    /**
     * json keeps its text as given, so it is compared as text: the same document with other blanks is a change (it
     * is stored differently), and bumps the version. A bump too many is a false conflict at worst; one too few
     * would let a stale form overwrite the new text.
     */
    @PostgresqlOnly
    void jsonWithOtherBlanksIsAChangeBecauseJsonKeepsItsText(TestDatabase db) {
        String t = table(db, "JSON", "{\"a\":1}");
        VersionedTable rows = conditional(db.dataSource(), t);
        assertThat(rows.update(1, 1L, Map.of("doc", pg("json", "{\"a\": 1}")))).isEqualTo(2);
        assertThat(rows.updateAll(List.of(RowChange.of(2, 1L, Map.of("doc", pg("json", "{\"a\": 1}")))))
                .savedVersions()).containsEntry(2L, 2L);
        assertThat(stored(db, t, 1)).isEqualTo("{\"a\": 1}");
        assertThat(stored(db, t, 2)).isEqualTo("{\"a\": 1}");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(2);
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 2")).isEqualTo(2);
        assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE version = 1 AND doc::text = '{\"a\":1}'"))
                .isEqualTo(2);
    }

    /**
     * A NULL goes in the one bulk statement (the other values here go as a batch of the single-row statement), whose
     * comparison of json also failed: NULL over a document is a change, NULL over NULL is not, on both paths.
     */
    @PostgresqlOnly
    void jsonNullOverADocumentIsAChangeAndOverNullIsNot(TestDatabase db) {
        for (String type : List.of("JSON", "JSONB")) {
            String t = table(db, type, "{\"a\":1}");
            VersionedTable rows = conditional(db.dataSource(), t);
            Map<String, Object> toNull = new java.util.HashMap<>();
            toNull.put("doc", null);
            assertThat(rows.update(1, 1L, toNull)).isEqualTo(2);
            assertThat(rows.updateAll(List.of(RowChange.of(2, 1L, toNull))).savedVersions()).containsEntry(2L, 2L);
            assertThat(rows.update(1, 2L, toNull)).isEqualTo(2);
            assertThat(rows.updateAll(List.of(RowChange.of(2, 2L, toNull))).savedVersions()).containsEntry(2L, 2L);
            assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE doc IS NULL AND version = 2")).isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM " + t + " WHERE doc IS NOT NULL AND version = 1"))
                    .isEqualTo(2);
        }
    }

    /** With {@code stringtype=unspecified} the driver sends a String untyped, so a String is a json value too. */
    @PostgresqlOnly
    void jsonAndJsonbFromStringsWithStringtypeUnspecified(TestDatabase db) {
        try (HikariDataSource untyped = unspecified(db)) {
            run(db, untyped, "JSON", json -> json, "{\"a\":1}", "{\"a\":2}", "{\"a\":2}");
            run(db, untyped, "JSONB", json -> json, "{\"a\": 1}", "{\"a\": 2}", "{\"a\": 2}");
        }
    }

    /**
     * Rows 1 and 2 through {@code update}, 3 and 4 through {@code updateAll}: rows 1 and 3 get {@code changed} (new
     * version), rows 2 and 4 the document they hold (same version); every row also writes the note it holds, which
     * is tracked too. The table must show exactly that.
     */
    private static void run(TestDatabase db, DataSource ds, String type, Function<String, Object> value,
                            String original, String changed, String changedAsStored) {
        String t = table(db, type, original);
        String originalAsStored = stored(db, t, 1);
        VersionedTable rows = conditional(ds, t);

        assertThat(rows.update(1, 1L, Map.of("doc", value.apply(changed), "note", "x"))).isEqualTo(2);
        assertThat(rows.update(2, 1L, Map.of("doc", value.apply(original), "note", "x"))).isEqualTo(1);
        List<RowChange> changes = new ArrayList<>();
        changes.add(RowChange.of(3, 1L, Map.of("doc", value.apply(changed), "note", "x")));
        changes.add(RowChange.of(4, 1L, Map.of("doc", value.apply(original), "note", "x")));
        BulkResult r = rows.updateAll(changes, BulkPolicy.ABORT_ALL);
        assertThat(r.savedVersions()).containsEntry(3L, 2L).containsEntry(4L, 1L).hasSize(2);

        for (long id : new long[] {1, 3}) {
            assertThat(stored(db, t, id)).as("row %d", id).isEqualTo(changedAsStored);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = " + id)).as("row %d", id).isEqualTo(2);
        }
        for (long id : new long[] {2, 4}) {
            assertThat(stored(db, t, id)).as("row %d", id).isEqualTo(originalAsStored);
            assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = " + id)).as("row %d", id).isEqualTo(1);
        }

        // The check still runs: a stale write is refused and leaves the row as it was.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rows.update(1, 1L, Map.of("doc",
                value.apply(original)))).isInstanceOf(RecordModifiedException.class);
        BulkResult stale = rows.updateAll(List.of(RowChange.of(3, 1L, Map.of("doc", value.apply(original)))),
                BulkPolicy.SKIP_CONFLICTS);
        assertThat(stale.saved()).isEmpty();
        assertThat(stale.conflictKeys()).containsExactly(3L);
        assertThat(stored(db, t, 1)).isEqualTo(changedAsStored);
        assertThat(stored(db, t, 3)).isEqualTo(changedAsStored);
    }

    private static String table(TestDatabase db, String type, String original) {
        String t = db.createTable("jsondoc", "id BIGINT PRIMARY KEY, doc " + type + ", note VARCHAR(10), "
                + "version BIGINT NOT NULL");
        String literal = "'" + original.replace("'", "''") + "'";
        if (db.name().equals("h2")) {
            literal = literal + " FORMAT JSON";
        }
        for (int id = 1; id <= 4; id++) {
            db.execute("INSERT INTO " + t + " (id, doc, note, version) VALUES (" + id + ", " + literal + ", 'x', 1)");
        }
        return t;
    }

    private static VersionedTable conditional(DataSource ds, String t) {
        return Concurrency.builder(ds).table(t, d -> d.key("id").version("version", VersionStrategy.conditional()))
                .build().table(t);
    }

    static PGobject pg(String type, String value) {
        PGobject o = new PGobject();
        o.setType(type);
        try {
            o.setValue(value);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return o;
    }

    /** A pool on the same PostgreSQL database whose driver sends Strings untyped ({@code stringtype=unspecified}). */
    static HikariDataSource unspecified(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url() + (db.url().contains("?") ? "&" : "?") + "stringtype=unspecified");
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }
}
