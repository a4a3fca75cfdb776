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
        long version = caller.table().update(caller.key(1), 1L, Map.of("price", 111));
        return Map.of(1L, Claim.wrote(111, version, Basis.FIRST_VERSION));
    };

    /** Row 1 deleted, checked against version 1. */
    static final Operation DELETE = caller -> {
        caller.table().delete(caller.key(1), 1L);
        return Map.of(1L, Claim.deleted(Basis.FIRST_VERSION));
    };

    /** Row 1 to price 444 with no version ({@code versionRequired(false)}): applied whatever the version. */
    static final Operation UNCHECKED_UPDATE = caller -> {
        long version = caller.unchecked().update(caller.key(1), null, Map.of("price", 444));
        return Map.of(1L, Claim.wrote(444, version, Basis.NONE));
    };

    /** Row 1 deleted with no version. */
    static final Operation UNCHECKED_DELETE = caller -> {
        caller.unchecked().delete(caller.key(1), null);
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
            bothRowsAtFirstVersion(caller), BulkPolicy.SKIP_CONFLICTS), Basis.FIRST_VERSION, false);

    static final Operation UPDATE_ALL_ABORTING_ALL = caller -> claims(caller.table().updateAll(
            bothRowsAtFirstVersion(caller), BulkPolicy.ABORT_ALL), Basis.FIRST_VERSION, false);

    static final Operation UNCHECKED_UPDATE_ALL = caller -> claims(caller.unchecked().updateAll(List.of(
            new RowChange(caller.key(1), null, Map.of("price", 111)),
            new RowChange(caller.key(2), null, Map.of("price", 222))), BulkPolicy.SKIP_CONFLICTS), Basis.NONE, false);

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
            List.of(Identity.of(caller.key(1), 1), Identity.of(caller.key(2), 1)), BulkPolicy.SKIP_CONFLICTS),
            Basis.FIRST_VERSION, true);

    static final Operation DELETE_ALL_ABORTING_ALL = caller -> claims(caller.table().deleteAll(
            List.of(Identity.of(caller.key(1), 1), Identity.of(caller.key(2), 1)), BulkPolicy.ABORT_ALL),
            Basis.FIRST_VERSION, true);

    /** Both rows selected at version 1; the action sets their prices to 333 and 334 and bumps their versions. */
    static final Operation GUARD = caller -> {
        String t = caller.tableName();
        caller.table().guard(List.of(Identity.of(caller.key(1), 1), Identity.of(caller.key(2), 1)), c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + t + " SET price = 333, version = version + 1 WHERE id = "
                        + caller.literal(1));
                return s.executeUpdate("UPDATE " + t + " SET price = 334, version = version + 1 WHERE id = "
                        + caller.literal(2));
            }
        });
        return Map.of(1L, Claim.wrote(333, 2, Basis.FIRST_VERSION), 2L, Claim.wrote(334, 2, Basis.FIRST_VERSION));
    };

    /** Read row 1 and add 1 to its price, retried on conflict (3 attempts, no waiting). */
    static final Operation RETRY = caller -> {
        RetryPolicy quick = RetryPolicy.custom().maxAttempts(3).sleeper(millis -> { }).build();
        long[] written = caller.concurrency().retry(quick, () -> {
            Row row = caller.table().find(caller.key(1))
                    .orElseThrow(() -> new RowNotFoundException(caller.tableName(), 1L));
            long price = ((Number) row.get("price")).longValue() + 1;
            return new long[] {price, caller.table().update(caller.key(1), row.version(), Map.of("price", price))};
        });
        return Map.of(1L, Claim.wrote(written[0], written[1], Basis.CURRENT_PLUS_ONE));
    };

    /** The matrix table's rows as records, for the {@link RecordTable} paths. */
    record Priced(Long id, int price, String note, long version) {
    }

    /** Row 1 verified at version 1 without a write, then row 2 to price 222: work that rests on row 1 as read. */
    static final Operation CHECK = caller -> {
        caller.table().check(caller.key(1), 1L);
        long version = caller.table().update(caller.key(2), 1L, Map.of("price", 222));
        return Map.of(1L, Claim.checked(), 2L, Claim.wrote(222, version, Basis.FIRST_VERSION));
    };

    /**
     * {@link #CHECK} with the row locked until commit; in auto-commit, where the lock would end at once, it must be
     * refused before anything is written.
     */
    static final Operation CHECK_AND_LOCK = caller -> {
        if (caller.connection().getAutoCommit()) {
            requireRefusedInAutoCommit(() -> caller.table().checkAndLock(caller.key(1), 1L));
            return Map.of();
        }
        caller.table().checkAndLock(caller.key(1), 1L);
        long version = caller.table().update(caller.key(2), 1L, Map.of("price", 222));
        return Map.of(1L, Claim.checked(), 2L, Claim.wrote(222, version, Basis.FIRST_VERSION));
    };

    /**
     * On a text-key table: row 1 first named by the number 1, which must be refused before any SQL runs and leave
     * the caller's transaction as it was, then by its text key "1", to price 111 against version 1.
     */
    static final Operation TEXT_KEY_GIVEN_AS_NUMBER_THEN_AS_TEXT = caller -> {
        try {
            caller.table().update(1L, 1L, Map.of("price", 999));
            throw new AssertionError("the number 1 for a text key was not refused");
        } catch (IllegalArgumentException expected) {
            // Refused before any SQL: nothing was written, the transaction goes on.
        }
        long version = caller.table().update(caller.key(1), 1L, Map.of("price", 111));
        return Map.of(1L, Claim.wrote(111, version, Basis.FIRST_VERSION));
    };

    /** Row 1 to price 555, checked against version 1, the version left where it is. */
    static final Operation UPDATE_WITHOUT_INCREMENT = caller -> {
        long version = caller.table().updateWithoutIncrement(caller.key(1), 1L, Map.of("price", 555));
        return Map.of(1L, Claim.wrote(555, version, Basis.FIRST_VERSION_KEPT));
    };

    /** Row 1 deleted at version 1 and put back (price 121) above every version it had. */
    static final Operation RESTORE = caller -> {
        caller.table().delete(1, 1L);
        Identity restored = caller.table().restore(Map.of("id", 1L, "price", 121, "note", "r"), 1L);
        return Map.of(1L, Claim.wrote(121, restored.version(), Basis.FIRST_VERSION));
    };

    /** Checks off for row 1 only: row 1 written with no version (price 666), row 2 still checked (price 222). */
    static final Operation DISABLE_ROW = caller -> {
        long first;
        long second;
        try (DisableScope off = caller.table().disable(1L)) {
            first = caller.table().update(1L, null, Map.of("price", 666));
            second = caller.table().update(2L, 1L, Map.of("price", 222));
        }
        return Map.of(1L, Claim.wrote(666, first, Basis.NONE), 2L, Claim.wrote(222, second, Basis.FIRST_VERSION));
    };

    /** {@link #CHECK} through a {@link RecordTable}. */
    static final Operation RECORD_CHECK = caller -> {
        RecordTable<Priced> rows = caller.table().as(Priced.class);
        rows.check(new Priced(1L, 10, "n", 1));
        Priced saved = rows.update(new Priced(2L, 222, "n", 1));
        return Map.of(1L, Claim.checked(), 2L, Claim.wrote(saved.price(), saved.version(), Basis.FIRST_VERSION));
    };

    /** {@link #CHECK_AND_LOCK} through a {@link RecordTable}. */
    static final Operation RECORD_CHECK_AND_LOCK = caller -> {
        RecordTable<Priced> rows = caller.table().as(Priced.class);
        if (caller.connection().getAutoCommit()) {
            requireRefusedInAutoCommit(() -> rows.checkAndLock(new Priced(1L, 10, "n", 1)));
            return Map.of();
        }
        rows.checkAndLock(new Priced(1L, 10, "n", 1));
        Priced saved = rows.update(new Priced(2L, 222, "n", 1));
        return Map.of(1L, Claim.checked(), 2L, Claim.wrote(saved.price(), saved.version(), Basis.FIRST_VERSION));
    };

    /** {@link #UPDATE_WITHOUT_INCREMENT} through a {@link RecordTable}. */
    static final Operation RECORD_UPDATE_WITHOUT_INCREMENT = caller -> {
        Priced saved = caller.table().as(Priced.class).updateWithoutIncrement(new Priced(1L, 555, "n", 1));
        return Map.of(1L, Claim.wrote(saved.price(), saved.version(), Basis.FIRST_VERSION_KEPT));
    };

    /** {@link #RESTORE} through a {@link RecordTable}: the kept record is the row as read, at version 1. */
    static final Operation RECORD_RESTORE = caller -> {
        RecordTable<Priced> rows = caller.table().as(Priced.class);
        rows.delete(new Priced(1L, 10, "n", 1));
        Priced restored = rows.restore(new Priced(1L, 121, "r", 1));
        return Map.of(1L, Claim.wrote(restored.price(), restored.version(), Basis.FIRST_VERSION));
    };

    /** {@link #DISABLE_ROW} through a {@link RecordTable}: row 1's stale record is written, row 2's is checked. */
    static final Operation RECORD_DISABLE = caller -> {
        RecordTable<Priced> rows = caller.table().as(Priced.class);
        Priced first;
        Priced second;
        try (DisableScope off = rows.disable(new Priced(1L, 10, "n", 1))) {
            first = rows.update(new Priced(1L, 666, "n", 1));
            second = rows.update(new Priced(2L, 222, "n", 1));
        }
        return Map.of(1L, Claim.wrote(first.price(), first.version(), Basis.NONE),
                2L, Claim.wrote(second.price(), second.version(), Basis.FIRST_VERSION));
    };

    private static void requireRefusedInAutoCommit(Runnable checkAndLock) {
        try {
            checkAndLock.run();
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("checkAndLock in auto-commit was not refused: its lock would end at once");
    }

    /** Row 1 to price 111 and row 2 to price 222, both as read at version 1. */
    private static List<RowChange> bothRowsAtFirstVersion(Interleaving.Caller caller) {
        return List.of(RowChange.of(caller.key(1), 1, Map.of("price", 111)),
                RowChange.of(caller.key(2), 1, Map.of("price", 222)));
    }

    /** A key as the operations give it (a number, or a number as text on a text-key table) as the row's number. */
    static long keyNumber(Object key) {
        return key instanceof Number n ? n.longValue() : Long.parseLong(key.toString());
    }

    /** What a bulk result says about each row: saved (price key * 111, with its new version) or refused. */
    private static Map<Long, Claim> claims(BulkResult result, Basis basis, boolean delete) {
        Map<Long, Claim> claims = new LinkedHashMap<>();
        for (Identity saved : result.saved()) {
            long key = keyNumber(saved.key());
            claims.put(key, delete ? Claim.deleted(basis) : Claim.wrote(key * 111, saved.version(), basis));
        }
        for (RecordModifiedException refused : result.conflicts()) {
            claims.put(keyNumber(refused.key()), Claim.refused(refused));
        }
        return claims;
    }
}
