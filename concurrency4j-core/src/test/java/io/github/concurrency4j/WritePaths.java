package io.github.concurrency4j;

import io.github.concurrency4j.Interleaving.Basis;
import io.github.concurrency4j.Interleaving.Claim;
import io.github.concurrency4j.Interleaving.Operation;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every write path of the engine as an {@link Operation} of {@link Interleaving}: what the caller runs, and what it
 * then claims about rows 1 (price 10) and 2 (price 20), both read at version 1. The isolation matrix and the
 * driver-mode tests run the same paths.
 */
final class WritePaths {
    private WritePaths() {
    }

    /** Row 1 to price 111, checked against version 1. */
    static final Operation UPDATE = caller -> {
        long version = caller.table().update(1, 1L, Map.of("price", 111));
        return Map.of(1L, Claim.wrote(111, version, Basis.FIRST_VERSION));
    };

    /** Row 1 deleted, checked against version 1. */
    static final Operation DELETE = caller -> {
        caller.table().delete(1, 1L);
        return Map.of(1L, Claim.deleted(Basis.FIRST_VERSION));
    };

    /** Row 1 to price 444 with no version ({@code versionRequired(false)}): applied whatever the version. */
    static final Operation UNCHECKED_UPDATE = caller -> {
        long version = caller.unchecked().update(1, null, Map.of("price", 444));
        return Map.of(1L, Claim.wrote(444, version, Basis.NONE));
    };

    /** Row 1 deleted with no version. */
    static final Operation UNCHECKED_DELETE = caller -> {
        caller.unchecked().delete(1, null);
        return Map.of(1L, Claim.deleted(Basis.NONE));
    };

    /**
     * Row 1's {@code note} written with the value it holds, on a conditional version only {@code price} moves: the
     * row matches and does not change, which MariaDB's {@code useAffectedRows=true} counts as 0 rows.
     */
    static final Operation UNCHANGED_UPDATE = caller -> {
        long version = caller.conditional().update(1, 1L, Map.of("note", "n"));
        return Map.of(1L, Claim.wrote(10, version, Basis.FIRST_VERSION));
    };

    static final Operation UPDATE_ALL_SKIPPING_CONFLICTS = caller -> claims(caller.table().updateAll(
            bothRowsAtFirstVersion(), BulkPolicy.SKIP_CONFLICTS), Basis.FIRST_VERSION, false);

    static final Operation UPDATE_ALL_ABORTING_ALL = caller -> claims(caller.table().updateAll(
            bothRowsAtFirstVersion(), BulkPolicy.ABORT_ALL), Basis.FIRST_VERSION, false);

    static final Operation UNCHECKED_UPDATE_ALL = caller -> claims(caller.unchecked().updateAll(List.of(
            new RowChange(1L, null, Map.of("price", 111)), new RowChange(2L, null, Map.of("price", 222))),
            BulkPolicy.SKIP_CONFLICTS), Basis.NONE, false);

    /** Both rows' {@code note} written with the value it holds: matched, unchanged, on the conditional version. */
    static final Operation UNCHANGED_UPDATE_ALL = caller -> {
        BulkResult result = caller.conditional().updateAll(List.of(RowChange.of(1L, 1, Map.of("note", "n")),
                RowChange.of(2L, 1, Map.of("note", "n"))), BulkPolicy.SKIP_CONFLICTS);
        Map<Long, Claim> claims = new LinkedHashMap<>();
        for (Identity saved : result.saved()) {
            long key = ((Number) saved.key()).longValue();
            claims.put(key, Claim.wrote(key * 10, saved.version(), Basis.FIRST_VERSION));
        }
        result.conflicts().forEach(c -> claims.put(((Number) c.key()).longValue(), Claim.refused(c)));
        return claims;
    };

    static final Operation DELETE_ALL_SKIPPING_CONFLICTS = caller -> claims(caller.table().deleteAll(
            List.of(Identity.of(1L, 1), Identity.of(2L, 1)), BulkPolicy.SKIP_CONFLICTS), Basis.FIRST_VERSION, true);

    static final Operation DELETE_ALL_ABORTING_ALL = caller -> claims(caller.table().deleteAll(
            List.of(Identity.of(1L, 1), Identity.of(2L, 1)), BulkPolicy.ABORT_ALL), Basis.FIRST_VERSION, true);

    /** Both rows selected at version 1; the action sets their prices to 333 and 334 and bumps their versions. */
    static final Operation GUARD = caller -> {
        String t = caller.tableName();
        caller.table().guard(List.of(Identity.of(1L, 1), Identity.of(2L, 1)), c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET price = 333, version = version + 1 WHERE id = 1");
                return s.executeUpdate("UPDATE " + t + " SET price = 334, version = version + 1 WHERE id = 2");
            }
        });
        return Map.of(1L, Claim.wrote(333, 2, Basis.FIRST_VERSION), 2L, Claim.wrote(334, 2, Basis.FIRST_VERSION));
    };

    /** Read row 1 and add 1 to its price, retried on conflict (3 attempts, no waiting). */
    static final Operation RETRY = caller -> {
        RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
        long[] written = caller.concurrency().retry(quick, () -> {
            Row row = caller.table().find(1).orElseThrow(() -> new RowNotFoundException(caller.tableName(), 1L));
            long price = ((Number) row.get("price")).longValue() + 1;
            return new long[] {price, caller.table().update(1, row.version(), Map.of("price", price))};
        });
        return Map.of(1L, Claim.wrote(written[0], written[1], Basis.CURRENT_PLUS_ONE));
    };

    /** Row 1 to price 111 and row 2 to price 222, both as read at version 1. */
    private static List<RowChange> bothRowsAtFirstVersion() {
        return List.of(RowChange.of(1L, 1, Map.of("price", 111)), RowChange.of(2L, 1, Map.of("price", 222)));
    }

    /** What a bulk result says about each row: saved (price key * 111, with its new version) or refused. */
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
