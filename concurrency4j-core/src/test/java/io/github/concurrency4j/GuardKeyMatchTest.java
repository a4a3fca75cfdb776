package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.github.concurrency4j.testing.PostgresqlOnly;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Attack on {@code guard} with keys a caller passes as {@code update} and {@code delete} accept them, where the
 * database hands the key back in another Java form: a {@code Long} for a NUMERIC key (returned as a BigDecimal), a
 * String for a CHAR(3) key (returned padded) and a UUID string for a uuid key (with {@code stringtype=unspecified},
 * returned as a UUID). Before the fix the guard reported every such row as changed by someone else and never ran
 * the action, while {@code check} and {@code update} took the same (key, version). An unchanged row must let the
 * action run, and a changed one must still stop it with nothing done.
 */
class GuardKeyMatchTest {
    private static final String U = "123e4567-e89b-12d3-a456-426614174000";

    private static void guardsLikeCheck(TestDatabase db, DataSource ds, String keyType, String stored, Object given) {
        String t = db.createTable("gk", "id " + keyType + " PRIMARY KEY, name text, version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " VALUES (" + stored + ", 'a', 1)");
        VersionedTable table = Concurrency.builder(ds).table(t).build().table(t);
        table.check(given, 1L);   // the single-row check takes this key and version

        AtomicInteger ran = new AtomicInteger();
        Throwable e = catchThrowable(() -> table.guard(List.of(Identity.of(given, 1L)), c -> ran.incrementAndGet()));
        assertThat(e).as(keyType + " key given as " + given.getClass().getSimpleName() + ": the row is unchanged")
                .isNull();
        assertThat(ran).hasValue(1);

        db.execute("UPDATE " + t + " SET name = 'b', version = 2");
        Throwable stale = catchThrowable(() -> table.guard(List.of(Identity.of(given, 1L)),
                c -> ran.incrementAndGet()));
        assertThat(stale).isInstanceOf(BulkConflictException.class);
        RecordModifiedException conflict = ((BulkConflictException) stale).conflicts().get(0);
        assertThat(conflict.currentVersion()).as("the conflict carries the row as it is now").hasValue(2);
        assertThat(ran).as("a changed row stops the action").hasValue(1);
        assertThat(table.update(given, 2L, Map.of("name", "c"))).isEqualTo(3);
    }

    @PostgresqlOnly
    void aNumericKeyGivenAsALong(TestDatabase db) {
        guardsLikeCheck(db, db.dataSource(), "numeric", "5", 5L);
        guardsLikeCheck(db, db.dataSource(), "numeric(10,2)", "5", 5);
    }

    @PostgresqlOnly
    void aCharKeyGivenUnpadded(TestDatabase db) {
        guardsLikeCheck(db, db.dataSource(), "char(3)", "'5'", "5");
    }

    @PostgresqlOnly
    void aUuidKeyGivenAsAStringWithStringtypeUnspecified(TestDatabase db) {
        try (HikariDataSource untyped = JsonConditionalTest.unspecified(db)) {
            guardsLikeCheck(db, untyped, "uuid", "'" + U + "'", U);
            guardsLikeCheck(db, untyped, "uuid", "'" + U + "'", U.toUpperCase());
        }
    }
}
