package io.github.concurrency4j;

import io.github.concurrency4j.Interleaving.Competitor;
import io.github.concurrency4j.Interleaving.Prior;
import io.github.concurrency4j.Interleaving.Strategy;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The isolation matrix of {@link IsolationMatrixTest} for the newest write paths: the trigger strategy's own version
 * bump on a table whose trigger was dropped behind the engine's back, a table with no unique index declared with
 * {@code assumeUniqueKey()} (every write undoable, its matched rows counted), and a text key (given as text; and once
 * as a number first, which must be refused before any SQL and leave the caller's transaction as it was). Each cell
 * runs in a caller's transaction at every level the database has, READ UNCOMMITTED included (PostgreSQL runs it as
 * READ COMMITTED; SQLite has only its serializable mode), or in auto-commit; another connection, on another thread,
 * commits a save or a delete of row 1 from the same version between the caller's read and its write, or nobody
 * does. The table is read back on a fresh connection: acknowledged iff stored, both ways.
 */
class NewestPathsIsolationMatrixTest {

    private static final List<Strategy> SHAPES = List.of(Strategy.missingTrigger, Strategy.assumedUniqueKey,
            Strategy.textKey);

    /** One cell per database, level (READ UNCOMMITTED too), caller's first read, competing commit and shape. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.concurrency4j.NewestPathsIsolationMatrixTest#cells")
    @interface Matrix {
    }

    /** {@link Matrix} on the text-key tables only. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.concurrency4j.NewestPathsIsolationMatrixTest#textKeyCells")
    @interface TextKeyMatrix {
    }

    static List<Isolation> levels(TestDatabase db) {
        List<Isolation> levels = new ArrayList<>();
        if (!db.name().equals("sqlite")) {
            levels.add(Isolation.READ_UNCOMMITTED);
        }
        levels.addAll(db.isolationLevels());
        return levels;
    }

    static Stream<Interleaving.Cell> cells() {
        return cells(SHAPES);
    }

    static Stream<Interleaving.Cell> textKeyCells() {
        return cells(List.of(Strategy.textKey));
    }

    private static Stream<Interleaving.Cell> cells(List<Strategy> shapes) {
        List<Interleaving.Cell> cells = new ArrayList<>();
        for (Strategy shape : shapes) {
            for (TestDatabase db : TestDatabases.all()) {
                List<Isolation> levels = levels(db);
                for (Isolation level : levels) {
                    for (Prior prior : Prior.values()) {
                        if (prior == Prior.autoCommit && level != levels.get(0)) {
                            continue;
                        }
                        for (Competitor competitor : Competitor.values()) {
                            // A current write must be saved: once per level, after the caller read the rows.
                            if (competitor == Competitor.nobody && prior != Prior.readTheRow
                                    && prior != Prior.autoCommit) {
                                continue;
                            }
                            cells.add(new Interleaving.Cell(db, Interleaving.Driver.DEFAULT, level, prior,
                                    competitor, shape));
                        }
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

    @Matrix
    void update(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "update", WritePaths.UPDATE);
    }

    @Matrix
    void delete(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "delete", WritePaths.DELETE);
    }

    @Matrix
    void uncheckedUpdate(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedUpdate", WritePaths.UNCHECKED_UPDATE);
    }

    @Matrix
    void updateWithoutIncrement(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateWithoutIncrement", WritePaths.UPDATE_WITHOUT_INCREMENT);
    }

    @Matrix
    void updateAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateAll SKIP_CONFLICTS", WritePaths.UPDATE_ALL_SKIPPING_CONFLICTS);
    }

    @Matrix
    void updateAllAbortingAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateAll ABORT_ALL", WritePaths.UPDATE_ALL_ABORTING_ALL);
    }

    @Matrix
    void deleteAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "deleteAll SKIP_CONFLICTS", WritePaths.DELETE_ALL_SKIPPING_CONFLICTS);
    }

    @Matrix
    void guard(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "guard", WritePaths.GUARD);
    }

    @Matrix
    void retry(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "retry", WritePaths.RETRY);
    }

    @TextKeyMatrix
    void textKeyGivenAsNumberThenAsText(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "number for a text key, then the text", WritePaths.TEXT_KEY_GIVEN_AS_NUMBER_THEN_AS_TEXT);
    }
}
