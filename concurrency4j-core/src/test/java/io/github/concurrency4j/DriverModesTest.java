package io.github.concurrency4j;

import io.github.concurrency4j.Interleaving.Competitor;
import io.github.concurrency4j.Interleaving.Driver;
import io.github.concurrency4j.Interleaving.Prior;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The write paths with the real drivers in the settings that change what an update count means: MariaDB
 * Connector/J with {@code useBulkStmts} on and off (on: -2, "no info", for every row of a batch),
 * {@code useAffectedRows=true} (a row matched but unchanged counts 0), {@code rewriteBatchedStatements=true}; pgjdbc
 * with {@code reWriteBatchedInserts=true}. Each at the database's default isolation level (MariaDB: REPEATABLE READ,
 * PostgreSQL: READ COMMITTED), in a caller's transaction that read the rows and in auto-commit, against a competing
 * save, a competing delete, and no competitor at all. The invariant is asserted both ways by {@link Interleaving};
 * {@link DriverBatchCountTest} covers the same settings with 100-row batches. (The unchecked bulk update and
 * {@code deleteAll ABORT_ALL} run through the same batch and count checks as the operations here; the isolation
 * matrix has them.)
 */
class DriverModesTest {
    private static final Map<String, List<Driver>> MODES = Map.of(
            "mariadb", List.of(new Driver("useBulkStmts=true"), new Driver("useBulkStmts=false"),
                    new Driver("useAffectedRows=true"), new Driver("useAffectedRows=true&useBulkStmts=true"),
                    new Driver("rewriteBatchedStatements=true")),
            "postgresql", List.of(new Driver("reWriteBatchedInserts=true")));
    private static final Map<String, Isolation> DEFAULT_LEVEL = Map.of(
            "mariadb", Isolation.REPEATABLE_READ, "postgresql", Isolation.READ_COMMITTED);

    /** One cell per server database, driver setting, caller context and competitor. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.concurrency4j.DriverModesTest#cells")
    @interface Modes {
    }

    static Stream<Interleaving.Cell> cells() {
        List<Interleaving.Cell> cells = new ArrayList<>();
        for (TestDatabase db : TestDatabases.servers()) {
            for (Driver driver : MODES.get(db.name())) {
                for (Prior prior : List.of(Prior.readTheRow, Prior.autoCommit)) {
                    for (Competitor competitor : Competitor.values()) {
                        cells.add(new Interleaving.Cell(db, driver, DEFAULT_LEVEL.get(db.name()), prior, competitor));
                    }
                }
            }
        }
        return cells.stream();
    }

    @AfterAll
    static void dropTablesAndReport() {
        Interleaving.dropTables();
        Interleaving.printTally();
    }

    @Modes
    void update(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "update", WritePaths.UPDATE);
    }

    @Modes
    void unchangedUpdate(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "unchangedUpdate", WritePaths.UNCHANGED_UPDATE);
    }

    @Modes
    void uncheckedUpdate(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedUpdate", WritePaths.UNCHECKED_UPDATE);
    }

    @Modes
    void delete(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "delete", WritePaths.DELETE);
    }

    @Modes
    void updateAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateAll SKIP_CONFLICTS", WritePaths.UPDATE_ALL_SKIPPING_CONFLICTS);
    }

    @Modes
    void updateAllAbortingAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateAll ABORT_ALL", WritePaths.UPDATE_ALL_ABORTING_ALL);
    }

    @Modes
    void unchangedUpdateAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "unchangedUpdateAll", WritePaths.UNCHANGED_UPDATE_ALL);
    }

    @Modes
    void deleteAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "deleteAll SKIP_CONFLICTS", WritePaths.DELETE_ALL_SKIPPING_CONFLICTS);
    }

    @Modes
    void guard(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "guard", WritePaths.GUARD);
    }
}
