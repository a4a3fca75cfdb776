package io.github.concurrency4j.demo.admin;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** A plain table written only through the core engine: no entity class, no ORM. */
public final class EngineTable implements AdminTable {
    private final VersionedTable table;
    private final JdbcTemplate jdbc;
    private final String path;
    private final String title;
    private final String singular;
    private final String versioning;
    private final List<Field> fields;

    public EngineTable(VersionedTable table, JdbcTemplate jdbc, String path, String title, String singular,
                       String versioning, List<Field> fields) {
        this.table = table;
        this.jdbc = jdbc;
        this.path = path;
        this.title = title;
        this.singular = singular;
        this.versioning = versioning;
        this.fields = List.copyOf(fields);
    }

    @Override
    public String table() {
        return table.name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String singular() {
        return singular;
    }

    @Override
    public String versioning() {
        return versioning;
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public List<Row> list() {
        // The table name is one of our own constants, never user input.
        return jdbc.queryForList("SELECT * FROM " + table.name() + " ORDER BY id").stream()
                .map(EngineTable::toRow)
                .toList();
    }

    @Override
    public Optional<Row> find(long id) {
        return table.find(id);
    }

    @Override
    public long update(long id, long expectedVersion, Map<String, Object> changes) {
        return table.update(id, expectedVersion, changes);
    }

    @Override
    public FormSave save(FormVersion version, long id, Map<String, Object> changes) {
        // The starter's form save: checked write, and on a conflict the field-by-field merge or the 409.
        return version.update(table, id, changes);
    }

    @Override
    public void delete(long id, long expectedVersion) {
        table.delete(id, expectedVersion);
    }

    @Override
    public VersionedTable engine() {
        return table;
    }

    /** H2 reports column names in upper case; the pages use the lower-case names of the schema scripts. */
    private static Row toRow(Map<String, Object> columns) {
        Map<String, Object> values = new LinkedHashMap<>();
        columns.forEach((k, v) -> values.put(k.toLowerCase(Locale.ROOT), v));
        return new Row(((Number) values.get("id")).longValue(), ((Number) values.get("version")).longValue(), values);
    }
}
