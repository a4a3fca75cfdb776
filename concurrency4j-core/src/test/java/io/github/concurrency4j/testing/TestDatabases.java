package io.github.concurrency4j.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The databases a test runs on. H2 and SQLite always; PostgreSQL and MariaDB when reachable, and always when
 * {@code CI=true}, where an unreachable server fails the run with instructions to start it.
 */
public final class TestDatabases {
    private static final TestDatabase H2 = TestDatabase.h2();
    private static final TestDatabase SQLITE = TestDatabase.sqlite();
    private static final TestDatabase POSTGRESQL = TestDatabase.postgresql();
    private static final TestDatabase MARIADB = TestDatabase.mariadb();
    private static volatile List<TestDatabase> all;

    private TestDatabases() {
    }

    /** Every database of this run; the source of {@link AllDatabases}. */
    public static List<TestDatabase> all() {
        List<TestDatabase> a = all;
        if (a == null) {
            List<TestDatabase> list = new ArrayList<>(List.of(H2, SQLITE));
            addServer(list, POSTGRESQL);
            addServer(list, MARIADB);
            all = a = List.copyOf(list);
        }
        return a;
    }

    /** The server databases of this run (PostgreSQL and MariaDB when reachable or required). */
    public static List<TestDatabase> servers() {
        return all().stream().filter(TestDatabase::isServer).toList();
    }

    /** PostgreSQL when it is in this run: the source of {@link PostgresqlOnly}. */
    public static List<TestDatabase> postgresql() {
        return all().stream().filter(db -> db == POSTGRESQL).toList();
    }

    /** MariaDB when it is in this run: the source of {@link MariadbOnly}. */
    public static List<TestDatabase> mariadb() {
        return all().stream().filter(db -> db == MARIADB).toList();
    }

    /**
     * The databases of this run whose dialect writes a chunk of a bulk call as one statement (PostgreSQL, MariaDB):
     * the source of {@link OneStatementBulkDatabases}.
     */
    public static List<TestDatabase> oneStatementBulk() {
        return all().stream().filter(db -> db == POSTGRESQL || db == MARIADB).toList();
    }

    /** The databases of this run that lock rows (all but SQLite): the source of {@link RowLockDatabases}. */
    public static List<TestDatabase> withRowLocks() {
        return all().stream().filter(db -> db != SQLITE).toList();
    }

    /** The database of this name. */
    public static TestDatabase named(String name) {
        return switch (name) {
            case "h2" -> H2;
            case "sqlite" -> SQLITE;
            case "postgresql" -> POSTGRESQL;
            case "mariadb" -> MARIADB;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static void addServer(List<TestDatabase> list, TestDatabase db) {
        if (db.reachable()) {
            list.add(db);
        } else if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true requires " + db.name() + ". " + TestDatabase.howToStart(db.name()));
        } else {
            System.err.println("[concurrency4j tests] skipping " + db.name() + ": " + TestDatabase.howToStart(db.name()));
        }
    }
}
