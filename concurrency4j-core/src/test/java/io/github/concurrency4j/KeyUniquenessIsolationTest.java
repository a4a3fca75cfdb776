package io.github.concurrency4j;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.Isolation;
import io.github.concurrency4j.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;

/**
 * A table declared with {@code assumeUniqueKey()} (no unique index: a plain index on the key) while a second user, on
 * another thread and connection, inserts a second row with the caller's key between the caller's read and its write.
 * In the caller's transaction at every level the database has (READ UNCOMMITTED included) and in auto-commit, each
 * write must end one of two ways: it found one row, wrote it and said so (the other user's row untouched); or it
 * found two and was refused with {@link KeyNotUniqueException}, having written nothing, while the caller's earlier
 * write in the same transaction (row 2) survives to its commit. Read back on a fresh connection.
 */
class KeyUniquenessIsolationTest {

    private record Write(String name, Function<VersionedTable, Boolean> run, boolean delete) {
    }

    private static final List<Write> WRITES = List.of(
            new Write("update", t -> t.update(1L, 1L, Map.of("price", 111)) == 2L, false),
            new Write("updateAll", t -> t.updateAll(List.of(RowChange.of(1L, 1L, Map.of("price", 111))),
                    BulkPolicy.ABORT_ALL).saved().size() == 1, false),
            new Write("delete", t -> {
                t.delete(1L, 1L);
                return true;
            }, true),
            new Write("deleteAll", t -> t.deleteAll(List.of(Identity.of(1L, 1L)), BulkPolicy.ABORT_ALL).saved()
                    .size() == 1, true));

    @AllDatabases
    void aDuplicateKeyCommittedMeanwhileIsWrittenOnceOrRefusedWithNothingWritten(TestDatabase db) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        List<String> outcomes = new ArrayList<>();
        List<Isolation> levels = new ArrayList<>(NewestPathsIsolationMatrixTest.levels(db));
        levels.add(null);
        for (Isolation level : levels) {
            for (Write write : WRITES) {
                String t = db.createTable("dupiso", "id BIGINT NOT NULL, price INT NOT NULL, note VARCHAR(20), "
                        + "version BIGINT NOT NULL");
                db.execute("CREATE INDEX " + t + "_ix ON " + t + " (id)",
                        "INSERT INTO " + t + " (id, price, note, version) VALUES (1, 10, 'mine', 1)",
                        "INSERT INTO " + t + " (id, price, note, version) VALUES (2, 20, 'mine', 1)");
                VersionedTable table = Concurrency.builder(db.dataSource())
                        .table(t, d -> d.assumeUniqueKey()).build().table(t);
                String what = db.name() + " " + (level == null ? "auto-commit" : level) + " " + write.name();
                Boolean claimed = null;
                Throwable thrown = null;
                boolean secondWriteClaimed = false;
                CompletableFuture<Void> other;
                try (Connection c = db.dataSource().getConnection()) {
                    if (level != null) {
                        c.setTransactionIsolation(level.jdbcLevel());
                        c.setAutoCommit(false);
                        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, version FROM "
                                + t)) {
                            while (rs.next()) {
                                rs.getLong(1);
                            }
                        }
                    }
                    VersionedTable mine = level == null ? table : table.using(c);
                    // A write of the caller's before the refused one: it must reach the commit.
                    if (level != null) {
                        secondWriteClaimed = mine.update(2L, 1L, Map.of("price", 222)) == 2L;
                    }
                    other = CompletableFuture.runAsync(() -> db.execute("INSERT INTO " + t
                            + " (id, price, note, version) VALUES (1, 900, 'other', 1)"));
                    try {
                        other.get(500, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException waitingForTheCallersLocks) {
                        // It commits after the caller's transaction (SQLite's one writer).
                    }
                    try {
                        claimed = write.run().apply(mine);
                    } catch (KeyNotUniqueException | RecordModifiedException | TransactionAbortedException e) {
                        thrown = e;
                    }
                    if (level != null) {
                        if (thrown instanceof TransactionAbortedException) {
                            c.rollback();
                            secondWriteClaimed = false;
                        } else {
                            c.commit();
                        }
                        c.setAutoCommit(true);
                    }
                }
                boolean otherInserted = catchless(other);
                List<String> ones = rows(db, t, 1);
                List<String> twos = rows(db, t, 2);
                String seen = what + ": " + (thrown == null ? "claimed " + claimed : "threw "
                        + thrown.getClass().getSimpleName()) + "; rows of key 1: " + ones + ", of key 2: " + twos
                        + (otherInserted ? "" : " (the other insert failed)");
                outcomes.add(seen);
                List<String> expectOnes = new ArrayList<>();
                if (thrown == null) {
                    soft.assertThat(claimed).as(seen).isTrue();
                    if (!write.delete()) {
                        expectOnes.add("111/v2/mine");
                    }
                } else {
                    expectOnes.add("10/v1/mine");
                }
                if (otherInserted) {
                    expectOnes.add("900/v1/other");
                }
                soft.assertThat(ones).as(seen).containsExactlyInAnyOrderElementsOf(expectOnes);
                soft.assertThat(twos).as(seen + " (the caller's other write)")
                        .containsExactly(secondWriteClaimed ? "222/v2/mine" : "20/v1/mine");
            }
        }
        outcomes.forEach(o -> System.out.println("[assumeUniqueKey isolation] " + o));
        soft.assertAll();
    }

    private static boolean catchless(CompletableFuture<Void> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> rows(TestDatabase db, String t, long id) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT price, version, note FROM " + t + " WHERE id = " + id)) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "/v" + rs.getLong(2) + "/" + rs.getString(3));
            }
        }
        return rows;
    }
}
