package io.github.concurrency4j.internal;

import io.github.concurrency4j.TableDeclaration;
import io.github.concurrency4j.VersionStrategy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A declared table as verified against the live schema.
 *
 * @param declaration what the user declared
 * @param sqlName the table's quoted name
 * @param physicalName the table's name as the database stores it
 * @param key the key column
 * @param version the version column
 * @param columns every column, in table order
 * @param byName every column by lower-case name
 * @param tracked for a conditional strategy, the lower-case names of the columns whose change bumps the version
 * @param keyUnique whether the database keeps the key unique (a primary key or unique index on the key alone);
 *     {@code false} only for a declaration that vouches for its key ({@link TableDeclaration#assumeUniqueKey()}),
 *     whose writes are then undone when they find more than one row
 */
public record TableModel(TableDeclaration declaration, String sqlName, String physicalName, Column key,
                         Column version, List<Column> columns, Map<String, Column> byName, Set<String> tracked,
                         boolean keyUnique) {

    /** The declared name. */
    public String name() {
        return declaration.table();
    }

    /** The version strategy. */
    public VersionStrategy strategy() {
        return declaration.strategy();
    }

    /** A column by name, whatever the case, or {@code null}. */
    public Column column(String name) {
        if (name == null) {
            return null;
        }
        // The names are stored lower-case: a name already in lower case (nearly every one) needs no copy.
        Column exact = byName.get(name);
        return exact != null ? exact : byName.get(name.toLowerCase(Locale.ROOT));
    }
}
