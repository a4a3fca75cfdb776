package io.github.concurrency4j.testing;

import io.github.concurrency4j.dialect.H2VersionTrigger;
import java.util.List;

/**
 * A hand-made trigger that carries the concurrency4j marker, so that it lists as a version trigger, and never
 * touches the version: what {@code triggers check} must not call "ok".
 */
public final class DoNothingTrigger {
    /** The text our triggers carry; a hand-made trigger can carry it too. */
    private static final String MARKER = "concurrency4j version trigger, column=version";

    private DoNothingTrigger() {
    }

    /** The statements creating it on {@code table} (version column {@code version}), for a database by name. */
    public static List<String> statements(String database, String name, String table) {
        return switch (database) {
            case "postgresql" -> List.of("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                            + "BEGIN\n    -- " + MARKER + "\n    RETURN NEW;\nEND $$",
                    "CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION "
                            + name + "()");
            case "mariadb" -> List.of("CREATE TRIGGER " + name + " BEFORE UPDATE ON " + table
                    + " FOR EACH ROW SET @c4j_untouched = 1 /* " + MARKER + " */");
            case "sqlite" -> List.of("CREATE TRIGGER " + name + " AFTER UPDATE ON " + table
                    + " BEGIN /* " + MARKER + " */ SELECT 1; END");
            // H2 lists our Java trigger class with its constant: here it fires on INSERT only, never on UPDATE.
            case "h2" -> List.of("CREATE CONSTANT " + name + " VALUE '" + MARKER + "'",
                    "CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " FOR EACH ROW CALL '"
                            + H2VersionTrigger.class.getName() + "'");
            default -> throw new IllegalArgumentException("No do-nothing trigger for " + database);
        };
    }

    /** The statements dropping it again. */
    public static List<String> drop(String database, String name, String table) {
        return switch (database) {
            case "postgresql" -> List.of("DROP TRIGGER IF EXISTS " + name + " ON " + table,
                    "DROP FUNCTION IF EXISTS " + name + "()");
            case "h2" -> List.of("DROP TRIGGER IF EXISTS " + name, "DROP CONSTANT IF EXISTS " + name);
            default -> List.of("DROP TRIGGER IF EXISTS " + name);
        };
    }
}
