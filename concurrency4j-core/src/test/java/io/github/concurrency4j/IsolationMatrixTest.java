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
 * The isolation matrix of issue 10: every write path, inside a caller's transaction at every isolation level the
 * database has, after the caller read the row, read another table, read nothing, or outside any transaction; and
 * between the caller's read and its write, another connection commits a save or a delete of row 1 based on the
 * same version. Each method below is one operation (one row of the table in docs/core.md); each invocation one
 * cell, named {@code update[mariadb, REPEATABLE_READ, readTheRow, otherSaved]}.
 *
 * <p>Whatever the cell, the outcome must be a write whose effect is in the table after commit (read on a fresh
 * connection), or a conflict or abort exception with nothing written: never success without a write, never a
 * write reported as refused. {@link Interleaving} runs the cell and checks both directions.
 */
class IsolationMatrixTest {

    /** One cell per database, isolation level, caller's first read and competing commit. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.concurrency4j.IsolationMatrixTest#cells")
    @interface Matrix {
    }

    /**
     * The cells of {@link Matrix} under the auto-increment version, and each of them once more under one of the
     * other strategies (timestamp, trigger, conditional) in rotation: every strategy meets every database and
     * level, a third of the reads and competitors each, deterministically, at a third of the cost of all of them.
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.concurrency4j.IsolationMatrixTest#strategyCells")
    @interface EveryStrategy {
    }

    static Stream<Interleaving.Cell> strategyCells() {
        List<Interleaving.Cell> base = cells().toList();
        List<Strategy> others = List.of(Strategy.timestamp, Strategy.trigger, Strategy.conditional);
        List<Interleaving.Cell> cells = new ArrayList<>(base);
        for (int i = 0; i < base.size(); i++) {
            Interleaving.Cell c = base.get(i);
            cells.add(new Interleaving.Cell(c.db(), c.driver(), c.level(), c.prior(), c.competitor(),
                    others.get(i % others.size())));
        }
        return cells.stream();
    }

    /**
     * The cells of {@link Matrix}, each once, under the four strategies in rotation (the rotation steps every two
     * cells as well, so that each strategy meets both competitors): for the paths that do not change the SQL of
     * the write itself (checks, restore, per-row disable), at a quarter of the cost of every strategy everywhere.
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.concurrency4j.IsolationMatrixTest#rotatingCells")
    @interface RotatingStrategy {
    }

    static Stream<Interleaving.Cell> rotatingCells() {
        List<Interleaving.Cell> base = cells().toList();
        Strategy[] all = {Strategy.autoIncrement, Strategy.timestamp, Strategy.trigger, Strategy.conditional};
        List<Interleaving.Cell> cells = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            Interleaving.Cell c = base.get(i);
            cells.add(new Interleaving.Cell(c.db(), c.driver(), c.level(), c.prior(), c.competitor(),
                    all[(i + i / 2) % all.length]));
        }
        return cells.stream();
    }

    static Stream<Interleaving.Cell> cells() {
        List<Interleaving.Cell> cells = new ArrayList<>();
        for (TestDatabase db : TestDatabases.all()) {
            for (Isolation level : db.isolationLevels()) {
                for (Prior prior : Prior.values()) {
                    // Outside a transaction the level only shapes the engine's own short transactions: the
                    // lowest level the database has is enough.
                    if (prior == Prior.autoCommit && level != db.isolationLevels().get(0)) {
                        continue;
                    }
                    for (Competitor competitor : List.of(Competitor.otherSaved, Competitor.otherDeleted)) {
                        cells.add(new Interleaving.Cell(db, level, prior, competitor));
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

    @EveryStrategy
    void update(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "update", WritePaths.UPDATE);
    }

    @EveryStrategy
    void delete(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "delete", WritePaths.DELETE);
    }

    @EveryStrategy
    void uncheckedUpdate(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedUpdate", WritePaths.UNCHECKED_UPDATE);
    }

    @Matrix
    void unchangedUpdate(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "unchangedUpdate", WritePaths.UNCHANGED_UPDATE);
    }

    @EveryStrategy
    void uncheckedDelete(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedDelete", WritePaths.UNCHECKED_DELETE);
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
    void uncheckedUpdateAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedUpdateAll", WritePaths.UNCHECKED_UPDATE_ALL);
    }

    @Matrix
    void deleteAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "deleteAll SKIP_CONFLICTS", WritePaths.DELETE_ALL_SKIPPING_CONFLICTS);
    }

    @Matrix
    void deleteAllAbortingAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "deleteAll ABORT_ALL", WritePaths.DELETE_ALL_ABORTING_ALL);
    }

    @EveryStrategy
    void guard(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "guard", WritePaths.GUARD);
    }

    @EveryStrategy
    void retry(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "retry", WritePaths.RETRY);
    }

    @EveryStrategy
    void check(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "check", WritePaths.CHECK);
    }

    @RotatingStrategy
    void checkAndLock(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "checkAndLock", WritePaths.CHECK_AND_LOCK);
    }

    @RotatingStrategy
    void updateWithoutIncrement(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateWithoutIncrement", WritePaths.UPDATE_WITHOUT_INCREMENT);
    }

    @RotatingStrategy
    void restore(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "restore", WritePaths.RESTORE);
    }

    @RotatingStrategy
    void disableRow(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "disable(row)", WritePaths.DISABLE_ROW);
    }

    @RotatingStrategy
    void recordCheck(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "record check", WritePaths.RECORD_CHECK);
    }

    @RotatingStrategy
    void recordCheckAndLock(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "record checkAndLock", WritePaths.RECORD_CHECK_AND_LOCK);
    }

    @RotatingStrategy
    void recordUpdateWithoutIncrement(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "record updateWithoutIncrement", WritePaths.RECORD_UPDATE_WITHOUT_INCREMENT);
    }

    @RotatingStrategy
    void recordRestore(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "record restore", WritePaths.RECORD_RESTORE);
    }

    @RotatingStrategy
    void recordDisable(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "record disable(row)", WritePaths.RECORD_DISABLE);
    }
}
