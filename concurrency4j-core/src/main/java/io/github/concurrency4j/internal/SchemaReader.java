package io.github.concurrency4j.internal;

import io.github.concurrency4j.DeclarationException;
import io.github.concurrency4j.TableDeclaration;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.dialect.BulkStatements;
import io.github.concurrency4j.dialect.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Verifies declarations against the live schema, through {@link DatabaseMetaData}. */
public final class SchemaReader {
    /** Column types that cannot hold a version: text, dates and times, booleans, binary. */
    private static final Set<Integer> NOT_A_VERSION = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR,
            Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB, Types.DATE, Types.TIME,
            Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE, Types.BOOLEAN, Types.BINARY,
            Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB);

    private final Connection connection;
    private final Dialect dialect;
    private final DatabaseMetaData meta;

    public SchemaReader(Connection connection, Dialect dialect) throws SQLException {
        this.connection = connection;
        this.dialect = dialect;
        this.meta = connection.getMetaData();
    }

    /**
     * The verified model of a declaration.
     *
     * @throws DeclarationException naming the missing table or column
     */
    public TableModel model(TableDeclaration d) throws SQLException {
        int max = dialect.maxIdentifierLength();
        String table = Identifiers.require(d.table(), "table name", max);
        Identifiers.require(d.keyColumn(), "key column name of table '" + table + "'", max);
        Identifiers.require(d.versionColumn(), "version column name of table '" + table + "'", max);

        List<String[]> found = columnsOf(table);
        if (found.isEmpty()) {
            throw new DeclarationException("Table '" + table + "' does not exist in the database ("
                    + where() + "). Create it, or fix the name in the declaration.");
        }
        String physical = found.get(0)[0];
        boolean foldLower = physical.equals(physical.toUpperCase(Locale.ROOT))
                && !physical.equals(physical.toLowerCase(Locale.ROOT));
        List<Column> columns = new ArrayList<>();
        Map<String, Column> byName = new LinkedHashMap<>();
        BulkStatements bulk = dialect.bulkStatements();
        Map<String, String> sqlTypes = bulk == null ? Map.of() : bulk.columnTypes(connection, dialect.quote(physical));
        Map<String, String> storedTypes = dialect.storedTypes(connection, dialect.quote(physical));
        for (String[] f : found) {
            String name = foldLower || isUpperCase(f[1]) ? f[1].toLowerCase(Locale.ROOT) : f[1];
            int type = Integer.parseInt(f[2]);
            Column c = new Column(name, f[1], dialect.quote(f[1]), dialect.nullBindingType(type), sqlTypes.get(f[1]),
                    storedTypes.get(f[1]), Column.isText(type));
            columns.add(c);
            byName.putIfAbsent(name.toLowerCase(Locale.ROOT), c);
        }
        Column key = require(byName, table, d.keyColumn(), "key");
        Column version = require(byName, table, d.versionColumn(), "version");
        String versionType = notANumber(found, version.physical());
        if (versionType != null) {
            throw new DeclarationException("Table '" + table + "' declares '" + d.versionColumn() + "' as its "
                    + "version column, but that column is of type " + versionType + ": a version is a whole number "
                    + "the engine compares and raises. Make it a BIGINT column (ALTER TABLE), or declare another "
                    + "column with t.version(...).");
        }
        if (key == version) {
            throw new DeclarationException("Table '" + table + "' declares '" + d.keyColumn()
                    + "' as both its key and its version column.");
        }
        Set<String> tracked = tracked(d, byName, key, version);
        boolean keyUnique = keyUnique(d, physical, key);
        return new TableModel(d, dialect.quote(physical), physical, key, version,
                Collections.unmodifiableList(columns), Collections.unmodifiableMap(byName), tracked, keyUnique);
    }

    /**
     * Whether the database keeps the key unique: its primary key, or a unique index on plain columns that covers
     * every row, is on the key column alone. An index on more columns does not make the key unique; a key without
     * one is refused, unless the declaration vouches for it.
     *
     * @throws DeclarationException for a key two rows can share, naming the table, the column and the way out
     */
    private boolean keyUnique(TableDeclaration d, String physical, Column key) throws SQLException {
        List<Set<String>> unique = dialect.uniqueColumnSets(connection, connection.getCatalog(), currentSchema(),
                physical);
        for (Set<String> columns : unique) {
            if (columns.size() == 1 && columns.contains(key.physical())) {
                return true;
            }
        }
        if (d.isUniqueKeyAssumed()) {
            return false;
        }
        String table = d.table();
        String column = d.keyColumn();
        String found = unique.isEmpty() ? "it has no primary key and no unique index"
                : "its primary key and unique indexes are on " + describe(unique);
        String what = isView(physical)
                ? "'" + table + "' is a view, which has no index of its own, so nothing in the database keeps its key '"
                        + column + "' unique"
                : "no primary key or unique index of table '" + table + "' is on exactly its key column '" + column
                        + "' (" + found + "; a partial or expression index does not count)";
        throw new DeclarationException("Table '" + table + "' declares '" + column + "' as its key, but " + what
                + ". Two rows could then share a key value, and one write by key would change all of them while "
                + "reporting one. Make the key unique in the database (ALTER TABLE " + table + " ADD UNIQUE ("
                + column + ")), or declare the column that identifies a row with t.key(...). For a view, or a key "
                + "the application keeps unique by other means, declare t.assumeUniqueKey(): the engine then undoes "
                + "and refuses any write that finds more than one row.");
    }

    private static String describe(List<Set<String>> sets) {
        StringBuilder b = new StringBuilder();
        for (Set<String> s : sets) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append('(').append(String.join(", ", s)).append(')');
        }
        return b.toString();
    }

    private boolean isView(String physical) throws SQLException {
        try (ResultSet rs = meta.getTables(connection.getCatalog(), currentSchema(), physical, null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                if (physical.equals(rs.getString("TABLE_NAME")) && type != null
                        && type.toUpperCase(Locale.ROOT).contains("VIEW")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The JDBC type name of the column when it cannot hold a version (text, date, boolean, binary), else null. */
    private static String notANumber(List<String[]> found, String physical) {
        for (String[] f : found) {
            if (f[1].equals(physical)) {
                int type = Integer.parseInt(f[2]);
                return NOT_A_VERSION.contains(type) ? typeName(type) : null;
            }
        }
        return null;
    }

    private static String typeName(int type) {
        try {
            return JDBCType.valueOf(type).getName();
        } catch (IllegalArgumentException e) {
            return "java.sql.Types " + type;
        }
    }

    private static boolean isUpperCase(String s) {
        return s.equals(s.toUpperCase(Locale.ROOT)) && !s.equals(s.toLowerCase(Locale.ROOT));
    }

    private Set<String> tracked(TableDeclaration d, Map<String, Column> byName, Column key, Column version) {
        VersionStrategy s = d.strategy();
        if (s.kind() != VersionStrategy.Kind.CONDITIONAL) {
            return Set.of();
        }
        for (String f : s.checkedFields()) {
            require(byName, d.table(), f, "checkFields");
        }
        for (String f : s.ignoredFields()) {
            require(byName, d.table(), f, "ignoreFields");
        }
        Set<String> tracked = new LinkedHashSet<>();
        if (!s.checkedFields().isEmpty()) {
            for (String f : s.checkedFields()) {
                tracked.add(f.toLowerCase(Locale.ROOT));
            }
        } else {
            Set<String> ignored = new LinkedHashSet<>();
            for (String f : s.ignoredFields()) {
                ignored.add(f.toLowerCase(Locale.ROOT));
            }
            for (String n : byName.keySet()) {
                if (!ignored.contains(n)) {
                    tracked.add(n);
                }
            }
        }
        tracked.remove(key.name().toLowerCase(Locale.ROOT));
        tracked.remove(version.name().toLowerCase(Locale.ROOT));
        return Collections.unmodifiableSet(tracked);
    }

    private static Column require(Map<String, Column> byName, String table, String column, String role) {
        Identifiers.require(column, role + " column name of table '" + table + "'", Integer.MAX_VALUE);
        Column c = byName.get(column.toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new DeclarationException("Table '" + table + "' has no column '" + column + "' (declared as its "
                    + role + " column). Its columns are " + byName.keySet() + ".");
        }
        return c;
    }

    /** Rows of (table name, column name, JDBC type) for the table, matched case-insensitively. */
    private List<String[]> columnsOf(String table) throws SQLException {
        String catalog = connection.getCatalog();
        String schema = currentSchema();
        String escape = meta.getSearchStringEscape();
        for (String candidate : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            String pattern = escape == null ? candidate : candidate.replace("_", escape + "_");
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = meta.getColumns(catalog, schema, pattern, null)) {
                while (rs.next()) {
                    String t = rs.getString("TABLE_NAME");
                    if (t.equalsIgnoreCase(table)) {
                        rows.add(new String[] {t, rs.getString("COLUMN_NAME"), Integer.toString(rs.getInt("DATA_TYPE"))});
                    }
                }
            }
            if (!rows.isEmpty()) {
                return rows;
            }
        }
        return List.of();
    }

    private String currentSchema() {
        try {
            return connection.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            return null;
        }
    }

    private String where() throws SQLException {
        String catalog = connection.getCatalog();
        String schema = currentSchema();
        StringBuilder b = new StringBuilder(dialect.name());
        if (catalog != null && !catalog.isEmpty()) {
            b.append(", catalog ").append(catalog);
        }
        if (schema != null && !schema.isEmpty()) {
            b.append(", schema ").append(schema);
        }
        return b.toString();
    }

    /**
     * A table and one of its columns as the database stores them, with the table's primary key columns.
     *
     * @param table the table's stored name
     * @param column the column's stored name
     * @param primaryKey the stored names of the primary key columns, empty when there is no primary key
     */
    public record Located(String table, String column, List<String> primaryKey) {
    }

    /**
     * Finds a table and one of its columns, whatever the case of the given names, for work on tables that need not
     * be declared (trigger management).
     *
     * @throws DeclarationException naming the missing table or column
     */
    public Located locate(String table, String column) throws SQLException {
        int max = dialect.maxIdentifierLength();
        Identifiers.require(table, "table name", max);
        Identifiers.require(column, "version column name of table '" + table + "'", max);
        List<String[]> found = columnsOf(table);
        if (found.isEmpty()) {
            throw new DeclarationException("Table '" + table + "' does not exist in the database (" + where()
                    + "). Check the table name.");
        }
        String physical = found.get(0)[0];
        List<String> names = new ArrayList<>();
        String match = null;
        for (String[] f : found) {
            names.add(isUpperCase(f[1]) ? f[1].toLowerCase(Locale.ROOT) : f[1]);
            if (f[1].equalsIgnoreCase(column) && (match == null || f[1].equals(column))) {
                match = f[1];
            }
        }
        if (match == null) {
            throw new DeclarationException("Table '" + table + "' has no column '" + column + "'. Its columns are "
                    + names + ".");
        }
        List<String> key = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(connection.getCatalog(), currentSchema(), physical)) {
            while (rs.next()) {
                key.add(rs.getString("COLUMN_NAME"));
            }
        }
        return new Located(physical, match, List.copyOf(key));
    }
}
