package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;

/**
 * Attack (issue 14): a record whose key or version component is narrower than the column ({@code Integer id} on a
 * BIGINT key, {@code int version}). Before the fix a value that did not fit was narrowed in silence: the row with key
 * 4,294,967,297 came back as a record with key 1, and saving that record wrote row 1, a row the user never opened
 * (both rows at version 1, as untouched rows are); a timestamp version came back cut to an int, so the record
 * acknowledged a version the row does not hold. A value that does not fit must be a clear error before anything is
 * written, and a version component too narrow for the strategy a declaration error.
 */
class RecordNarrowingAttackTest {
    private static final long BIG = (1L << 32) + 1;   // 4,294,967,297: its low 32 bits are 1

    record Small(Integer id, String name, long version) {
    }

    record NarrowVersion(Long id, String name, int version) {
    }

    private static String table(TestDatabase db) {
        String t = db.createTable("big", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(100), "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + t + " (id, name, version) VALUES (1, 'one', 1)",
                "INSERT INTO " + t + " (id, name, version) VALUES (" + BIG + ", 'big', 1)");
        return t;
    }

    @AllDatabases
    void aKeyThatDoesNotFitTheRecordIsAnErrorAndNeverAnotherRowsWrite(TestDatabase db) {
        String t = table(db);
        RecordTable<Small> rows = Concurrency.builder(db.dataSource()).table(t).build().table(t).as(Small.class);

        Small[] read = new Small[1];
        Throwable e = catchThrowable(() -> read[0] = rows.find(BIG).orElseThrow());
        if (e == null) {
            // Whatever came back, saving it must not write a row the user did not open.
            catchThrowable(() -> rows.update(new Small(read[0].id(), "edited", read[0].version())));
        }

        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).as("row 1 was never opened")
                .isEqualTo("one");
        assertThat(db.queryLong("SELECT version FROM " + t + " WHERE id = 1")).isEqualTo(1);
        assertThat(e).as("the key does not fit Integer: an error naming it, not key 1")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(String.valueOf(BIG))
                .hasMessageContaining("id");
    }

    @AllDatabases
    void aVersionComponentNarrowerThanAVersionIsRefusedAtDeclaration(TestDatabase db) {
        String t = table(db);
        VersionedTable table = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.timestamp())).build().table(t);

        NarrowVersion[] saved = new NarrowVersion[1];
        Throwable e = catchThrowable(() -> {
            RecordTable<NarrowVersion> rows = table.as(NarrowVersion.class);
            saved[0] = rows.update(new NarrowVersion(1L, "edited", 1));
        });

        if (e == null) {
            assertThat((long) saved[0].version()).as("the record acknowledges the version the row holds")
                    .isEqualTo(db.queryLong("SELECT version FROM " + t + " WHERE id = 1"));
        } else {
            assertThat(e).isInstanceOf(DeclarationException.class).hasMessageContaining("version")
                    .hasMessageContaining("long");
            assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).as("nothing was written")
                    .isEqualTo("one");
        }
    }
}
