package io.github.concurrency4j;

import io.github.concurrency4j.Interleaving.Basis;
import io.github.concurrency4j.Interleaving.Caller;
import io.github.concurrency4j.Interleaving.Claim;
import io.github.concurrency4j.Interleaving.Competitor;
import io.github.concurrency4j.Interleaving.Prior;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.testing.TestDatabases;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    static Stream<Interleaving.Cell> cells() {
        List<Interleaving.Cell> cells = new ArrayList<>();
        for (TestDatabase db : TestDatabases.all()) {
            for (Isolation level : db.isolationLevels()) {
                for (Prior prior : Prior.values()) {
                    for (Competitor competitor : Competitor.values()) {
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

    // ---------------------------------------------------------------- single-row writes

    @Matrix
    void update(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "update", caller -> {
            long version = caller.table().update(1, 1L, Map.of("price", 111));
            return Map.of(1L, Claim.wrote(111, version, Basis.FIRST_VERSION));
        });
    }

    @Matrix
    void delete(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "delete", caller -> {
            caller.table().delete(1, 1L);
            return Map.of(1L, Claim.deleted(Basis.FIRST_VERSION));
        });
    }

    @Matrix
    void uncheckedUpdate(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedUpdate", caller -> {
            long version = caller.unchecked().update(1, null, Map.of("price", 444));
            return Map.of(1L, Claim.wrote(444, version, Basis.NONE));
        });
    }

    @Matrix
    void uncheckedDelete(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedDelete", caller -> {
            caller.unchecked().delete(1, null);
            return Map.of(1L, Claim.deleted(Basis.NONE));
        });
    }

    // ---------------------------------------------------------------- bulk writes

    @Matrix
    void updateAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateAll SKIP_CONFLICTS", caller -> claims(caller.table().updateAll(
                bothRowsAtFirstVersion(), BulkPolicy.SKIP_CONFLICTS), Basis.FIRST_VERSION, false));
    }

    @Matrix
    void updateAllAbortingAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "updateAll ABORT_ALL", caller -> claims(caller.table().updateAll(
                bothRowsAtFirstVersion(), BulkPolicy.ABORT_ALL), Basis.FIRST_VERSION, false));
    }

    @Matrix
    void uncheckedUpdateAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "uncheckedUpdateAll", caller -> claims(caller.unchecked().updateAll(List.of(
                new RowChange(1L, null, Map.of("price", 111)), new RowChange(2L, null, Map.of("price", 222))),
                BulkPolicy.SKIP_CONFLICTS), Basis.NONE, false));
    }

    @Matrix
    void deleteAllSkippingConflicts(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "deleteAll SKIP_CONFLICTS", caller -> claims(caller.table().deleteAll(
                List.of(Identity.of(1L, 1), Identity.of(2L, 1)), BulkPolicy.SKIP_CONFLICTS), Basis.FIRST_VERSION,
                true));
    }

    @Matrix
    void deleteAllAbortingAll(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "deleteAll ABORT_ALL", caller -> claims(caller.table().deleteAll(
                List.of(Identity.of(1L, 1), Identity.of(2L, 1)), BulkPolicy.ABORT_ALL), Basis.FIRST_VERSION, true));
    }

    // ---------------------------------------------------------------- guard and retry

    @Matrix
    void guard(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "guard", caller -> {
            String t = caller.tableName();
            caller.table().guard(List.of(Identity.of(1L, 1), Identity.of(2L, 1)), c -> {
                try (var s = c.createStatement()) {
                    s.executeUpdate("UPDATE " + t + " SET price = 333, version = version + 1 WHERE id = 1");
                    return s.executeUpdate("UPDATE " + t + " SET price = 334, version = version + 1 WHERE id = 2");
                }
            });
            return Map.of(1L, Claim.wrote(333, 2, Basis.FIRST_VERSION), 2L, Claim.wrote(334, 2, Basis.FIRST_VERSION));
        });
    }

    @Matrix
    void retry(Interleaving.Cell cell) throws Exception {
        Interleaving.run(cell, "retry", caller -> {
            RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
            long[] written = caller.concurrency().retry(quick, () -> {
                Row row = caller.table().find(1).orElseThrow(() -> new RowNotFoundException(caller.tableName(), 1L));
                long price = ((Number) row.get("price")).longValue() + 1;
                return new long[] {price, caller.table().update(1, row.version(), Map.of("price", price))};
            });
            return Map.of(1L, Claim.wrote(written[0], written[1], Basis.CURRENT_PLUS_ONE));
        });
    }

    // ---------------------------------------------------------------- helpers

    /** Row 1 to price 111 and row 2 to price 222, both as read at version 1. */
    private static List<RowChange> bothRowsAtFirstVersion() {
        return List.of(RowChange.of(1L, 1, Map.of("price", 111)), RowChange.of(2L, 1, Map.of("price", 222)));
    }

    /** What a bulk result says about each row: saved (with its new version) or refused. */
    private static Map<Long, Claim> claims(BulkResult result, Basis basis, boolean delete) {
        Map<Long, Claim> claims = new LinkedHashMap<>();
        for (Identity saved : result.saved()) {
            long key = ((Number) saved.key()).longValue();
            claims.put(key, delete ? Claim.deleted(basis) : Claim.wrote(key * 111, saved.version(), basis));
        }
        for (RecordModifiedException refused : result.conflicts()) {
            claims.put(((Number) refused.key()).longValue(), Claim.refused(refused));
        }
        return claims;
    }
}
