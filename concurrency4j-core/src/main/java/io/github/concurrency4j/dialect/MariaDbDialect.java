package io.github.concurrency4j.dialect;

import java.util.List;

/** MySQL and MariaDB: one family. */
public final class MariaDbDialect extends Dialect {
    /** The shared instance. */
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {
        // MariaDB has DELETE/INSERT ... RETURNING but no UPDATE ... RETURNING.
        super("mariadb", VersionReadBack.NONE, true, 64, 65_535);
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier + '`';
    }

    @Override
    public String isDistinctFromParameter(String quotedColumn) {
        return "NOT (" + quotedColumn + " <=> ?)";
    }

    /** {@code BEFORE UPDATE ... SET NEW.v = OLD.v + 1}: the row is written once, with the new version. */
    @Override
    public List<String> createVersionTrigger(String trigger, String table, String versionColumn,
                                             List<String> keyColumns) {
        String v = quote(versionColumn);
        // The marker must follow the SET: MariaDB drops a comment placed before the trigger body.
        return List.of("CREATE TRIGGER " + quote(trigger) + " BEFORE UPDATE ON " + quote(table) + " FOR EACH ROW"
                + " SET NEW." + v + " = COALESCE(OLD." + v + ", 0) + 1 /* " + triggerMarker(versionColumn) + " */");
    }

    @Override
    public List<String> dropVersionTrigger(String trigger, String table) {
        return List.of("DROP TRIGGER IF EXISTS " + quote(trigger));
    }

    @Override
    protected String versionTriggersQuery() {
        return "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = DATABASE() AND ACTION_STATEMENT LIKE '%" + TRIGGER_MARKER + "%'"
                + " ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME";
    }

    @Override
    public String sharedLockClause() {
        return " LOCK IN SHARE MODE";
    }
}
