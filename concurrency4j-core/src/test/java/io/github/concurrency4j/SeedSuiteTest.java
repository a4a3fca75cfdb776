package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerManager;
import io.github.concurrency4j.triggers.TriggerSettings;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * django-concurrency's own model-level test suite (the seed's {@code tests/}), ported scenario by scenario to our
 * public API and run on every database. Each test names the seed scenario it ports. The seed runs many scenarios
 * over its model classes ({@code with_std_models}: a time-based {@code IntegerVersionField}, an
 * {@code AutoIncVersionField}, and inherited, proxy, abstract-base and custom-save variants of them;
 * {@code with_all_models} adds the {@code TriggerVersionField}); here the same scenario runs over the version
 * strategies those fields map to. The ORM variants (inheritance, proxies, a custom {@code save}) have no
 * counterpart: there are no model classes, a table is declared once. The mapping, with the scenarios that have no
 * meaning here and why, is in docs/from-django.md.
 */
class SeedSuiteTest {

    /** The seed's {@code with_std_models}, as strategies. */
    private static final List<VersionStrategy> STD = List.of(VersionStrategy.timestamp(),
            VersionStrategy.autoIncrement());

    /** The seed's {@code with_all_models}: the standard ones plus the trigger field. */
    private static final List<VersionStrategy> ALL = List.of(VersionStrategy.timestamp(),
            VersionStrategy.autoIncrement(), VersionStrategy.trigger());

    private static String userTable(TestDatabase db) {
        return db.createTable("seed_user", "id " + db.generatedKey() + ", username VARCHAR(100), "
                + "last_name VARCHAR(100), version BIGINT NOT NULL");
    }

    private static Concurrency.Builder builder(TestDatabase db, String table, VersionStrategy strategy) {
        return Concurrency.builder(db.dataSource()).table(table, d -> d.key("id").version("version", strategy))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true));
    }

    private static VersionedTable table(TestDatabase db, VersionStrategy strategy) {
        String t = userTable(db);
        return builder(db, t, strategy).build().table(t);
    }

    private static long storedVersion(TestDatabase db, String table, Object key) {
        return db.queryLong("SELECT version FROM " + table + " WHERE id = " + key);
    }

    // ---- test_base.py ----

    /** Seed: test_base.py::test_standard_save (with_all_models). */
    @AllDatabases
    void anInsertedRowHasAPositiveVersionAlsoWhenReadBack(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            VersionedTable users = table(db, strategy);
            Identity id = users.insert(Map.of("username", "standard save"));
            assertThat(id.version()).as("%s", strategy).isPositive();
            assertThat(users.find(id.key()).orElseThrow().version()).isEqualTo(id.version());
            assertThat(storedVersion(db, users.name(), id.key())).isEqualTo(id.version());
        }
    }

    /** Seed: test_base.py::test_conflict and test_manager.py::test_get_or_create_with_pk (with_std_models). */
    @AllDatabases
    void aSaveFromAStaleCopyIsRefusedAndTheWinnersVersionIsHigher(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            VersionedTable users = table(db, strategy);
            Identity instance = users.insert(Map.of("id", 41, "username", "original"));
            Row copy = users.find(41).orElseThrow();
            long copyVersion = users.update(41, copy.version(), Map.of("username", "copy saved"));

            assertThatThrownBy(() -> users.update(41, instance.version(), Map.of("username", "instance saved")))
                    .as("%s", strategy).isInstanceOf(RecordModifiedException.class);
            assertThat(copyVersion).isGreaterThan(instance.version());
            assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = 41"))
                    .isEqualTo("copy saved");
            assertThat(storedVersion(db, users.name(), 41)).isEqualTo(copyVersion);
        }
    }

    /**
     * Seed: test_base.py::test_do_not_check_if_no_version. The seed saves a model whose version was reset to 0
     * without a check. Here "no version" is {@code null}: refused by default (the seed's
     * {@code CONCURRENCY_VERSION_FIELD_REQUIRED}), written blind when versions are not required.
     */
    @AllDatabases
    void aSaveWithoutAVersionIsBlindOnlyWhenVersionsAreNotRequired(TestDatabase db) {
        for (VersionStrategy strategy : STD) {
            String t = userTable(db);
            VersionedTable required = builder(db, t, strategy).build().table(t);
            VersionedTable optional = builder(db, t, strategy).versionRequired(false).build().table(t);
            Identity instance = required.insert(Map.of("id", 1, "username", "instance"));
            long copyVersion = required.update(1, instance.version(), Map.of("username", "copy"));

            assertThatThrownBy(() -> required.update(1, instance.version(), Map.of("username", "stale")))
                    .isInstanceOf(RecordModifiedException.class);
            assertThatThrownBy(() -> required.update(1, null, Map.of("username", "blind")))
                    .isInstanceOf(MissingVersionException.class);
            assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = 1")).isEqualTo("copy");

            long blindVersion = optional.update(1, null, Map.of("username", "blind"));
            assertThat(blindVersion).isPositive().isNotEqualTo(copyVersion);
            assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = 1")).isEqualTo("blind");
            assertThat(storedVersion(db, t, 1)).isEqualTo(blindVersion);
        }
    }

    /**
     * Seed: test_base.py::test_conflict_no_version_and_no_skip_flag. A copy carrying the default version (0) is
     * refused: 0 is a version like any other, and no row is at it.
     */
    @AllDatabases
    void aSaveCarryingVersionZeroIsRefusedAsStale(TestDatabase db) {
        for (VersionStrategy strategy : STD) {
            VersionedTable users = table(db, strategy);
            Identity id = users.insert(Map.of("id", 1, "username", "saved"));
            assertThatThrownBy(() -> users.update(1, 0L, Map.of("username", "default version")))
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = 1")).isEqualTo("saved");
            assertThat(storedVersion(db, users.name(), 1)).isEqualTo(id.version());
        }
    }

    /** Seed: test_base.py::test_update_fields: a save of some fields without the version leaves it for others. */
    @AllDatabases
    void aSaveThatLeavesTheVersionLetsAnotherCopySaveAfterIt(TestDatabase db) {
        for (VersionStrategy strategy : STD) {
            VersionedTable users = table(db, strategy);
            Identity instance = users.insert(Map.of("username", "abc"));
            Row copy = users.find(instance.key()).orElseThrow();

            assertThat(users.updateWithoutIncrement(instance.key(), instance.version(), Map.of("username", "abc")))
                    .isEqualTo(instance.version());
            long copyVersion = users.update(instance.key(), copy.version(), Map.of("username", "def"));

            assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = " + instance.key()))
                    .isEqualTo("def");
            assertThat(storedVersion(db, users.name(), instance.key())).isEqualTo(copyVersion);
        }
    }

    /** Seed: test_base.py::test_update_fields_still_checks. */
    @AllDatabases
    void aSaveThatLeavesTheVersionIsStillChecked(TestDatabase db) {
        for (VersionStrategy strategy : STD) {
            VersionedTable users = table(db, strategy);
            Identity instance = users.insert(Map.of("username", "abc"));
            Row copy = users.find(instance.key()).orElseThrow();
            long saved = users.update(instance.key(), instance.version(), Map.of("last_name", "saved"));

            assertThatThrownBy(() -> users.updateWithoutIncrement(copy.key(), copy.version(),
                    Map.of("username", "def"))).isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = " + instance.key()))
                    .isEqualTo("abc");
            assertThat(storedVersion(db, users.name(), instance.key())).isEqualTo(saved);
        }
    }

    // ---- test_api.py ----

    /** Seed: test_api.py::test_get_revision_of_object, test_is_changed, test_get_version. */
    @AllDatabases
    void theApisRevisionIsChangedAndGetVersionAnswerFromTheTable(TestDatabase db) {
        VersionedTable users = table(db, VersionStrategy.timestamp());
        Identity instance = users.insert(Map.of("username", "api"));
        assertThat(users.find(instance.key()).orElseThrow().version()).isEqualTo(instance.version());
        assertThat(users.isChanged(instance.key(), instance.version())).isFalse();

        long copyVersion = users.update(instance.key(), instance.version(), Map.of("username", "copy"));
        assertThat(users.isChanged(instance.key(), instance.version())).isTrue();
        assertThat(users.find(instance.key(), copyVersion).orElseThrow().get("username")).isEqualTo("copy");
        assertThat(users.find(instance.key(), instance.version())).isEmpty();
    }

    /**
     * Seed: test_api.py::test_apply_concurrency_check and test_base.py::test_conflict_with_app_model: a table the
     * application does not own (Django's auth_group) gets a version column and is protected.
     */
    @AllDatabases
    void aTableTheApplicationDoesNotOwnIsProtectedOnceItHasAVersionColumn(TestDatabase db) {
        String t = db.createTable("auth_group", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(80)");
        db.execute("INSERT INTO " + t + " (id, name) VALUES (1, 'editors')");
        db.execute("ALTER TABLE " + t + " ADD COLUMN version BIGINT DEFAULT 1 NOT NULL");
        VersionedTable groups = Concurrency.builder(db.dataSource()).table(t).build().table(t);

        Row instance = groups.find(1).orElseThrow();
        assertThat(instance.version()).isEqualTo(1);
        groups.update(1, instance.version(), Map.of("name", "copy"));
        assertThatThrownBy(() -> groups.update(1, instance.version(), Map.of("name", "instance")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT name FROM " + t + " WHERE id = 1")).isEqualTo("copy");
        assertThat(storedVersion(db, t, 1)).isEqualTo(2);
    }

    // ---- test_enable_disable.py ----

    /** Seed: test_enable_disable.py::test_disable_concurrency_settings (CONCURRENCY_ENABLED=False). */
    @AllDatabases
    void withChecksSwitchedOffInTheSettingsAStaleCopySaves(TestDatabase db) {
        String t = userTable(db);
        VersionedTable users = builder(db, t, VersionStrategy.timestamp()).enabled(false).build().table(t);
        Identity instance = users.insert(Map.of("username", "one"));
        users.update(instance.key(), instance.version(), Map.of("username", "two"));
        long third = users.update(instance.key(), instance.version(), Map.of("username", "stale but unchecked"));
        assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = " + instance.key()))
                .isEqualTo("stale but unchecked");
        assertThat(storedVersion(db, t, instance.key())).isEqualTo(third);
    }

    /** Seed: test_enable_disable.py::test_disable_concurrency_global: every table, then checks resume. */
    @AllDatabases
    void disablingEveryTableLetsStaleCopiesSaveAndChecksResumeAfterwards(TestDatabase db) {
        String simple = userTable(db);
        String autoInc = userTable(db);
        Concurrency c = Concurrency.builder(db.dataSource())
                .table(simple, d -> d.version("version", VersionStrategy.timestamp()))
                .table(autoInc).build();
        Identity one = c.table(simple).insert(Map.of("username", "one"));
        Identity two = c.table(autoInc).insert(Map.of("username", "two"));
        c.table(simple).update(one.key(), one.version(), Map.of("last_name", "refetched"));
        c.table(autoInc).update(two.key(), two.version(), Map.of("last_name", "refetched"));

        try (DisableScope off = c.disable()) {
            c.table(simple).update(one.key(), one.version(), Map.of("username", "stale one"));
            c.table(autoInc).update(two.key(), two.version(), Map.of("username", "stale two"));
        }
        Row copy2 = c.table(autoInc).find(two.key()).orElseThrow();
        c.table(autoInc).update(two.key(), copy2.version(), Map.of("username", "refetched and saved"));
        assertThatThrownBy(() -> c.table(autoInc).update(two.key(), copy2.version(), Map.of("username", "copy2")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT username FROM " + simple + " WHERE id = " + one.key())).isEqualTo("stale one");
        assertThat(db.queryValue("SELECT username FROM " + autoInc + " WHERE id = " + two.key()))
                .isEqualTo("refetched and saved");
        assertThat(storedVersion(db, autoInc, two.key())).isEqualTo(4);
    }

    /** Seed: test_enable_disable.py::test_disable_concurrency_class (and test_api.py::test_disable_concurrency). */
    @AllDatabases
    void disablingOneTableLetsItsStaleCopiesSaveAndLeavesOtherTablesChecked(TestDatabase db) {
        String simple = userTable(db);
        String other = userTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(simple).table(other).build();
        Identity instance = c.table(simple).insert(Map.of("username", "x"));
        Identity elsewhere = c.table(other).insert(Map.of("username", "y"));
        c.table(simple).update(instance.key(), instance.version(), Map.of("username", "copy"));
        c.table(other).update(elsewhere.key(), elsewhere.version(), Map.of("username", "copy"));

        c.withoutChecks(simple, () -> c.table(simple).update(instance.key(), instance.version(),
                Map.of("username", "instance")));
        try (DisableScope off = c.disable(simple)) {
            assertThatThrownBy(() -> c.table(other).update(elsewhere.key(), elsewhere.version(),
                    Map.of("username", "stale"))).isInstanceOf(RecordModifiedException.class);
        }
        assertThat(db.queryValue("SELECT username FROM " + simple + " WHERE id = " + instance.key()))
                .isEqualTo("instance");
        assertThat(db.queryValue("SELECT username FROM " + other + " WHERE id = " + elsewhere.key()))
                .isEqualTo("copy");
    }

    /**
     * Seed: test_enable_disable.py::test_disable_concurrency_instance (and
     * test_api.py::test_disable_concurrency_specific_model): one row unchecked, the next row of the same table
     * still refused.
     */
    @AllDatabases
    void disablingOneRowLetsItsStaleCopySaveAndAnotherRowIsStillRefused(TestDatabase db) {
        VersionedTable users = table(db, VersionStrategy.timestamp());
        Identity one = users.insert(Map.of("username", "one"));
        users.update(one.key(), one.version(), Map.of("username", "copy1"));
        Identity two = users.insert(Map.of("username", "two"));
        users.update(two.key(), two.version(), Map.of("username", "copy2"));

        try (DisableScope off = users.disable(one.key())) {
            users.update(one.key(), one.version(), Map.of("username", "instance1"));
            assertThatThrownBy(() -> users.update(two.key(), two.version(), Map.of("username", "instance2")))
                    .isInstanceOf(RecordModifiedException.class);
        }
        assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = " + one.key()))
                .isEqualTo("instance1");
        assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = " + two.key()))
                .isEqualTo("copy2");
    }

    /** Seed: test_enable_disable.py::test_disable_increment: saves in the scope keep the version, then it rises. */
    @AllDatabases
    void savesInADisableIncrementScopeKeepTheVersionAndTheNextSaveBumpsIt(TestDatabase db) {
        String t = userTable(db);
        Concurrency c = builder(db, t, VersionStrategy.autoIncrement()).build();
        VersionedTable users = c.table(t);
        Identity instance = users.insert(Map.of("username", "counter"));
        assertThat(instance.version()).isEqualTo(1);
        try (DisableScope keep = c.disableIncrement(t)) {
            assertThat(users.update(instance.key(), 1L, Map.of("last_name", "a"))).isEqualTo(1);
            assertThat(users.update(instance.key(), 1L, Map.of("last_name", "b"))).isEqualTo(1);
            assertThat(storedVersion(db, t, instance.key())).isEqualTo(1);
        }
        assertThat(users.update(instance.key(), 1L, Map.of("last_name", "c"))).isEqualTo(2);
        assertThat(db.queryValue("SELECT last_name FROM " + t + " WHERE id = " + instance.key())).isEqualTo("c");
        assertThat(storedVersion(db, t, instance.key())).isEqualTo(2);
    }

    // ---- test_concurrencymetainfo.py ----

    /**
     * Seed: test_concurrencymetainfo.py::test_enabled and test_meta_inheritance: a table declared disabled
     * writes unchecked (and still bumps), a table declared normally refuses the same stale save.
     */
    @AllDatabases
    void aTableDeclaredDisabledSavesStaleCopiesWhileAnEnabledOneRefusesThem(TestDatabase db) {
        String enabled = userTable(db);
        String disabled = userTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(enabled)
                .table(disabled, d -> d.enabled(false)).build();
        assertThat(c.table(disabled).declaration().isEnabled()).isFalse();
        assertThat(c.table(enabled).declaration().isEnabled()).isTrue();

        for (String t : List.of(enabled, disabled)) {
            Identity created = c.table(t).insert(Map.of("id", 1, "username", "test"));
            Row first = c.table(t).find(1).orElseThrow();
            Row second = c.table(t).find(1).orElseThrow();
            assertThat(first.version()).isEqualTo(second.version()).isEqualTo(created.version());
            c.table(t).update(1, first.version(), Map.of("last_name", "first"));
        }
        Row second = c.table(enabled).find(1, 1).orElse(null);
        assertThat(second).isNull();
        assertThatThrownBy(() -> c.table(enabled).update(1, 1L, Map.of("last_name", "second")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(c.table(disabled).update(1, 1L, Map.of("last_name", "second"))).isEqualTo(3);
        assertThat(db.queryValue("SELECT last_name FROM " + enabled + " WHERE id = 1")).isEqualTo("first");
        assertThat(db.queryValue("SELECT last_name FROM " + disabled + " WHERE id = 1")).isEqualTo("second");
        assertThat(storedVersion(db, disabled, 1)).isEqualTo(3);
    }

    // ---- test_conditional.py ----

    private static String conditionalTable(TestDatabase db) {
        // user_id stands for the seed's nullable foreign key to auth_user.
        return db.createTable("conditional", "id " + db.keyType() + " PRIMARY KEY, field1 VARCHAR(10), "
                + "field2 VARCHAR(10), field3 VARCHAR(10), user_id BIGINT, version BIGINT NOT NULL");
    }

    /** Seed: test_conditional.py::test_standard_save: only a tracked field (a nullable reference too) bumps. */
    @AllDatabases
    void aConditionalVersionRisesOnlyWhenATrackedFieldChangesIncludingToNull(TestDatabase db) {
        String t = conditionalTable(db);
        VersionedTable rows = Concurrency.builder(db.dataSource()).table(t, d -> d.version("version",
                VersionStrategy.conditional().checkFields("field1", "field2", "user_id"))).build().table(t);
        Identity id = rows.insert(Map.of("id", 1, "field1", "1", "field2", "1", "field3", "1", "user_id", 1));
        assertThat(id.version()).isEqualTo(1);

        long v2 = rows.update(1, 1L, Map.of("field1", "2"));
        assertThat(v2).isEqualTo(2);
        long v3 = rows.update(1, v2, Map.of("field3", "3"));
        assertThat(v3).isEqualTo(2);
        Map<String, Object> noUser = new HashMap<>();
        noUser.put("user_id", null);
        long v4 = rows.update(1, v3, noUser);
        assertThat(v4).isEqualTo(3);
        assertThat(db.queryValue("SELECT field3 FROM " + t + " WHERE id = 1")).isEqualTo("3");
        assertThat(db.queryValue("SELECT user_id FROM " + t + " WHERE id = 1")).isNull();
        assertThat(storedVersion(db, t, 1)).isEqualTo(3);
    }

    /**
     * Seed: test_conditional.py::test_conflict and test_save_allowed: a batch job changing a tracked field makes
     * the user's save stale; one changing an untracked field does not.
     */
    @AllDatabases
    void aBatchChangeOfATrackedFieldRefusesTheUsersSaveAndOfAnUntrackedOneAllowsIt(TestDatabase db) {
        String t = conditionalTable(db);
        VersionedTable rows = Concurrency.builder(db.dataSource()).table(t, d -> d.version("version",
                VersionStrategy.conditional().checkFields("field1", "field2", "user_id"))).build().table(t);
        rows.insert(Map.of("id", 1, "field1", "1", "field2", "1", "field3", "1", "user_id", 1));
        rows.insert(Map.of("id", 2, "field1", "1", "field2", "1", "field3", "1", "user_id", 1));

        rows.update(1, 1L, Map.of("field1", "aaaa"));        // the batch job
        assertThatThrownBy(() -> rows.update(1, 1L, Map.of("field2", "user")))
                .isInstanceOf(RecordModifiedException.class);

        rows.update(2, 1L, Map.of("field3", "aaaa"));        // the batch job, untracked field
        assertThat(rows.update(2, 1L, Map.of("field2", "user"))).isEqualTo(2);

        assertThat(db.queryValue("SELECT field2 FROM " + t + " WHERE id = 1")).isEqualTo("1");
        assertThat(db.queryValue("SELECT field3 FROM " + t + " WHERE id = 2")).isEqualTo("aaaa");
        assertThat(db.queryValue("SELECT field2 FROM " + t + " WHERE id = 2")).isEqualTo("user");
    }

    /** Seed: test_conditional.py::test_conflict_no_meta: without check_fields every field is tracked. */
    @AllDatabases
    void aConditionalVersionWithoutCheckFieldsTracksEveryField(TestDatabase db) {
        String t = conditionalTable(db);
        VersionedTable rows = Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.conditional())).build().table(t);
        rows.insert(Map.of("id", 1, "field1", "1", "field2", "1", "field3", "1", "user_id", 1));
        assertThat(rows.update(1, 1L, Map.of("field3", "aaaa"))).isEqualTo(2);
        assertThatThrownBy(() -> rows.update(1, 1L, Map.of("field1", "user")))
                .isInstanceOf(RecordModifiedException.class);
        // Writing the values the row already has changes nothing, so the version stays.
        assertThat(rows.update(1, 2L, Map.of("field3", "aaaa"))).isEqualTo(2);
        assertThat(db.queryValue("SELECT field1 FROM " + t + " WHERE id = 1")).isEqualTo("1");
        assertThat(storedVersion(db, t, 1)).isEqualTo(2);
    }

    // ---- test_manager.py ----

    /** Seed: test_manager.py::test_get_or_create and test_create: a row created with or without a key has a version. */
    @AllDatabases
    void aRowCreatedWithAGivenOrGeneratedKeyHasAVersionAndSaves(TestDatabase db) {
        for (VersionStrategy strategy : STD) {
            VersionedTable users = table(db, strategy);
            Identity given = users.insert(Map.of("id", 77, "username", "given"));
            Identity generated = users.insert(Map.of("username", "generated"));
            assertThat(given.version()).isPositive();
            assertThat(generated.version()).isPositive();
            assertThat(given.key()).isEqualTo(77L);
            long saved = users.update(77, given.version(), Map.of("username", "saved"));
            assertThat(storedVersion(db, users.name(), 77)).isEqualTo(saved);
        }
    }

    /**
     * Seed: test_manager.py::test_update: a bulk {@code Manager.update()} does not change the version. Here that
     * is any write made outside concurrency4j: it leaves application-managed versions alone, and only a trigger
     * version notices it.
     */
    @AllDatabases
    void aWriteOutsideTheLibraryLeavesTheVersionUnlessATriggerBumpsIt(TestDatabase db) throws Exception {
        for (VersionStrategy strategy : ALL) {
            VersionedTable users = table(db, strategy);
            Identity id = users.insert(Map.of("username", "lower"));
            db.execute("UPDATE " + users.name() + " SET username = 'UPPER' WHERE id = " + id.key());
            Row after = users.find(id.key()).orElseThrow();
            assertThat(after.get("username")).isEqualTo("UPPER");
            if (strategy.kind() == VersionStrategy.Kind.TRIGGER) {
                assertThat(after.version()).isGreaterThan(id.version());
            } else {
                assertThat(after.version()).isEqualTo(id.version());
            }
        }
    }

    // ---- test_triggerversionfield.py ----

    /** Seed: test_triggerversionfield.py::test_trigger: 1, 2, 3, 4, then a stale copy is refused. */
    @AllDatabases
    void aTriggerVersionCountsEverySaveAndRefusesAStaleCopy(TestDatabase db) {
        VersionedTable users = table(db, VersionStrategy.trigger());
        Identity id = users.insert(Map.of("username", "u0"));
        assertThat(id.version()).isEqualTo(1);
        long v = id.version();
        for (int i = 1; i <= 3; i++) {
            long next = users.update(id.key(), v, Map.of("username", "u" + i));
            assertThat(next).isEqualTo(v + 1);
            assertThat(storedVersion(db, users.name(), id.key())).isEqualTo(next);
            v = next;
        }
        long seen = v;
        users.update(id.key(), seen, Map.of("username", "copy"));
        assertThatThrownBy(() -> users.update(id.key(), seen, Map.of("username", "instance")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = " + id.key()))
                .isEqualTo("copy");
    }

    /**
     * Seed: test_triggerversionfield.py::test_trigger_do_not_increase_version_if_error: a failed write leaves no
     * row behind and the existing row's version as it was.
     */
    @AllDatabases
    void aFailedInsertLeavesNothingAndNoVersionBehind(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            VersionedTable users = table(db, strategy);
            Identity id = users.insert(Map.of("id", 5, "username", "first"));
            assertThatThrownBy(() -> users.insert(Map.of("id", 5, "username", "duplicate")))
                    .isInstanceOf(StatementFailedException.class);
            assertThat(db.queryLong("SELECT COUNT(*) FROM " + users.name())).isEqualTo(1);
            assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = 5")).isEqualTo("first");
            assertThat(storedVersion(db, users.name(), 5)).isEqualTo(id.version());
        }
    }

    // ---- test_triggers.py, test_checks.py ----

    /**
     * Seed: test_triggers.py::test_list_triggers, test_get_trigger, test_drop_trigger, test_drop_triggers, and
     * test_checks.py::test_check (a trigger under another name is missing for the check).
     */
    @AllDatabases
    void triggersAreListedByNameDroppedOneByOneAndMissingOnesAreReported(TestDatabase db) {
        String kept = userTable(db);
        String dropped = userTable(db);
        Concurrency.builder(db.dataSource())
                .table(kept, d -> d.version("version", VersionStrategy.trigger()))
                .table(dropped, d -> d.version("version", VersionStrategy.trigger()))
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(true)).build();
        TriggerManager triggers = TriggerManager.of(db.dataSource());
        TriggerTarget keptTarget = TriggerTarget.of(kept, "version");
        TriggerTarget droppedTarget = TriggerTarget.of(dropped, "version");
        String keptName = triggers.triggerName(keptTarget);
        String droppedName = triggers.triggerName(droppedTarget);

        assertThat(triggers.list()).extracting(t -> t.name()).contains(keptName, droppedName);
        assertThat(triggers.find(keptTarget)).isPresent();
        assertThat(triggers.drop(droppedTarget)).isTrue();
        assertThat(triggers.list()).extracting(t -> t.name()).contains(keptName).doesNotContain(droppedName);
        assertThat(triggers.check(List.of(keptTarget, droppedTarget))).containsExactly(droppedTarget);
        assertThat(triggers.drop(keptTarget)).isTrue();
        assertThat(triggers.list()).extracting(t -> t.name()).doesNotContain(keptName, droppedName);
    }

    // ---- test_core.py ----

    /**
     * Seed: test_core.py::test_select_lock: the locking check refuses a stale copy, and passes with checks
     * switched off in the settings.
     */
    @AllDatabases
    void theLockingCheckRefusesAStaleCopyAndPassesWhenChecksAreOff(TestDatabase db) throws Exception {
        String t = userTable(db);
        Concurrency on = builder(db, t, VersionStrategy.timestamp()).build();
        Concurrency off = builder(db, t, VersionStrategy.timestamp()).enabled(false).build();
        Identity s1 = on.table(t).insert(Map.of("username", "s1"));
        on.table(t).update(s1.key(), s1.version(), Map.of("username", "s2 saved"));

        try (Connection tx = db.rawConnection()) {
            tx.setAutoCommit(false);
            assertThatThrownBy(() -> on.table(t).using(tx).checkAndLock(s1.key(), s1.version()))
                    .isInstanceOf(RecordModifiedException.class);
            tx.rollback();
        }
        try (Connection tx = db.rawConnection()) {
            tx.setAutoCommit(false);
            off.table(t).using(tx).checkAndLock(s1.key(), s1.version());
            off.table(t).check(s1.key(), s1.version());
            tx.rollback();
        }
        assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = " + s1.key())).isEqualTo("s2 saved");
    }

    // ---- test_threads.py ----

    /**
     * Seed: test_threads.py::test_threads: 25 threads each add 1 five times to a trigger-versioned counter,
     * retrying on conflict; the count ends at 125. Here 8 threads (two cores) with the same shape.
     */
    @AllDatabases
    void threadsIncrementingATriggerVersionedCounterWithRetriesLoseNothing(TestDatabase db) throws Exception {
        String t = db.createTable("seed_counter", "id " + db.keyType() + " PRIMARY KEY, hits BIGINT NOT NULL, "
                + "version BIGINT NOT NULL");
        Concurrency c = builder(db, t, VersionStrategy.trigger()).build();
        VersionedTable counters = c.table(t);
        counters.insert(Map.of("id", 1, "hits", 0));
        RetryPolicy policy = RetryPolicy.custom().maxAttempts(1000).initialDelayMillis(1).maxDelayMillis(10).build();
        int threads = 8;
        int perThread = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit((Callable<Void>) () -> {
                    for (int n = 0; n < perThread; n++) {
                        c.retry(policy, () -> {
                            Row x = counters.find(1).orElseThrow();
                            counters.update(1, x.version(), Map.of("hits", x.getLong("hits") + 1));
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryLong("SELECT hits FROM " + t + " WHERE id = 1")).isEqualTo((long) threads * perThread);
        assertThat(storedVersion(db, t, 1)).isEqualTo(1L + threads * perThread);
    }

    // ---- test_loaddata_dumpdata.py ----

    /**
     * Seed: test_loaddata_dumpdata.py::test_loaddata_fail: rows loaded with their versions (a fixture, a dump)
     * load as they are, and are checked against the loaded versions afterwards.
     */
    @AllDatabases
    void rowsLoadedWithTheirVersionsAreCheckedAgainstThem(TestDatabase db) {
        String t = userTable(db);
        db.execute("INSERT INTO " + t + " (id, username, version) VALUES (10, 'loaded', 7)");
        VersionedTable users = Concurrency.builder(db.dataSource()).table(t).build().table(t);
        assertThat(users.find(10).orElseThrow().get("username")).isEqualTo("loaded");
        assertThatThrownBy(() -> users.update(10, 1L, Map.of("username", "stale")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(users.update(10, 7L, Map.of("username", "edited"))).isEqualTo(8);
        assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = 10")).isEqualTo("edited");
    }

    /**
     * Seed: test_loaddata_dumpdata.py::test_loaddata_fail as a Java import, and the cookbook's "Unable to import
     * data?": the fixture's row (pk 1, version 1446479791301679) is inserted with the version it carries while
     * checks are off for its table, and is checked against that version afterwards. Outside such a scope a given
     * version is refused, naming the scope, and nothing is inserted.
     */
    @AllDatabases
    void aFixtureImportedWithChecksOffKeepsItsVersionsAndIsCheckedAgainstThem(TestDatabase db) {
        long fixtureVersion = 1446479791301679L;
        for (VersionStrategy strategy : ALL) {
            String t = userTable(db);
            Concurrency concurrency = builder(db, t, strategy).build();
            VersionedTable users = concurrency.table(t);
            Map<String, Object> fixture = Map.of("id", 1, "username", "loaded", "version", fixtureVersion);

            IllegalArgumentException refused = catchThrowableOfType(IllegalArgumentException.class,
                    () -> users.insert(fixture));
            assertThat(refused).as("%s", strategy).isNotNull().hasMessageContaining("disable(");
            assertThat(db.queryLong("SELECT COUNT(*) FROM " + t)).isZero();

            Identity loaded;
            try (DisableScope off = concurrency.disable(t)) {
                assertThatThrownBy(() -> users.insert(Map.of("id", 2, "username", "bad", "version", -1)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number");
                loaded = users.insert(fixture);
            }
            assertThat(db.queryLong("SELECT COUNT(*) FROM " + t)).isEqualTo(1);
            assertThat(loaded.version()).as("%s", strategy).isEqualTo(fixtureVersion);
            assertThat(users.find(1).orElseThrow().get("username")).isEqualTo("loaded");
            assertThat(storedVersion(db, t, 1)).isEqualTo(fixtureVersion);

            assertThatThrownBy(() -> users.update(1, 1L, Map.of("username", "stale")))
                    .isInstanceOf(RecordModifiedException.class);
            long edited = users.update(1, fixtureVersion, Map.of("username", "edited"));
            assertThat(edited).isGreaterThan(fixtureVersion);
            assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = 1")).isEqualTo("edited");
            assertThat(storedVersion(db, t, 1)).isEqualTo(edited);
        }
    }

    /** A row of the seed's {@code SimpleConcurrentModel} as a Java record, for imports of records. */
    record SeedUser(Long id, String username, String lastName, long version) {
    }

    /**
     * The same import with records: inside a disable scope a record's version is inserted as it is; outside, a new
     * record starts at the strategy's initial version whatever its version component says (the seed's new
     * instance, whose version the field sets on the first save).
     */
    @AllDatabases
    void recordsImportedWithChecksOffKeepTheirVersions(TestDatabase db) {
        String t = userTable(db);
        Concurrency concurrency = builder(db, t, VersionStrategy.autoIncrement()).build();
        RecordTable<SeedUser> users = concurrency.table(t).as(SeedUser.class);

        SeedUser created = users.insert(new SeedUser(1L, "created", null, 42));
        assertThat(created.version()).isEqualTo(1);
        assertThat(storedVersion(db, t, 1)).isEqualTo(1);

        SeedUser imported;
        try (DisableScope off = concurrency.disable(t)) {
            imported = users.insert(new SeedUser(2L, "imported", "x", 42));
        }
        assertThat(imported.version()).isEqualTo(42);
        assertThat(storedVersion(db, t, 2)).isEqualTo(42);
        assertThatThrownBy(() -> users.update(new SeedUser(2L, "stale", "x", 1)))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(users.update(new SeedUser(2L, "edited", "x", 42)).version()).isEqualTo(43);
        assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = 2")).isEqualTo("edited");
        assertThat(storedVersion(db, t, 2)).isEqualTo(43);
    }

    // ---- the cookbook and the "what happens when" cases of the seed's documents ----

    /**
     * Seed cookbook, "Add version management to new models": {@code a = get(pk=1); b = get(pk=1); a.save();
     * b.save()  # this will raise RecordModifiedError}. Neither copy changes a field: a save without changes is
     * still a write that moves the version on, so the second is refused. A conditional version is the exception the
     * seed's {@code ConditionalVersionField} makes too: no tracked field changed, so the version stays and the second
     * bare save passes its check.
     */
    @AllDatabases
    void twoBareSavesOfTheSameRowRefuseTheSecondUnlessTheVersionIsConditional(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            VersionedTable models = table(db, strategy);
            Identity id = models.insert(Map.of("id", 1, "username", "cookbook"));
            Row a = models.find(1).orElseThrow();
            Row b = models.find(1).orElseThrow();

            long saved = models.update(1, a.version(), Map.of());
            assertThat(saved).as("%s", strategy).isGreaterThan(id.version());
            assertThatThrownBy(() -> models.update(1, b.version(), Map.of()))
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(storedVersion(db, models.name(), 1)).isEqualTo(saved);
        }
        VersionedTable conditional = table(db, VersionStrategy.conditional().checkFields("username"));
        Identity id = conditional.insert(Map.of("id", 1, "username", "cookbook"));
        assertThat(conditional.update(1, id.version(), Map.of())).isEqualTo(id.version());
        assertThat(conditional.update(1, id.version(), Map.of())).isEqualTo(id.version());
        assertThat(storedVersion(db, conditional.name(), 1)).isEqualTo(id.version());
    }

    /**
     * Deleting a stale object. The seed checks only saves: {@code instance.delete()} removes the row whatever
     * another user saved meanwhile (only the admin's delete action checks versions). Here a delete is a write like
     * any other: checked against the version it was read at, refused when stale with the row left as the winner
     * saved it. The seed's unchecked delete is a delete inside a disable scope (or {@code delete(key, null)} with
     * {@code versionRequired(false)}).
     */
    @AllDatabases
    void deletingAStaleCopyIsRefusedAndKeepsTheWinnersRowUnlessChecksAreOff(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            String t = userTable(db);
            Concurrency concurrency = builder(db, t, strategy).build();
            VersionedTable users = concurrency.table(t);
            Identity instance = users.insert(Map.of("id", 1, "username", "original"));
            long winner = users.update(1, instance.version(), Map.of("username", "winner"));

            RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                    () -> users.delete(1, instance.version()));
            assertThat(e).as("%s", strategy).isNotNull();
            assertThat(e.operation()).isEqualTo("delete");
            assertThat(e.currentVersion()).hasValue(winner);
            assertThat(db.queryValue("SELECT username FROM " + t + " WHERE id = 1")).isEqualTo("winner");
            assertThat(storedVersion(db, t, 1)).isEqualTo(winner);

            try (DisableScope off = concurrency.disable(t)) {
                users.delete(1, instance.version());
            }
            assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE id = 1")).isZero();
            RecordModifiedException gone = catchThrowableOfType(RecordModifiedException.class,
                    () -> users.delete(1, winner));
            assertThat(gone).isNotNull();
            assertThat(gone.isDeleted()).isTrue();
        }
    }

    /** The seed's {@code SimpleConcurrentModel} loaded with {@code only('id', 'username', 'version')}. */
    record SeedUserName(Long id, String username, long version) {
    }

    /**
     * Proxy models and objects loaded with {@code only()} / {@code defer()}: a second Java record over the same
     * table, with fewer components. It reads and writes only its own columns, checked against the same version
     * column as the full record, so a stale partial copy is refused and a current one leaves the other columns as
     * they are.
     */
    @AllDatabases
    void aRecordWithFewerComponentsWritesOnlyThoseAndIsCheckedLikeTheFullOne(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            VersionedTable table = table(db, strategy);
            RecordTable<SeedUser> full = table.as(SeedUser.class);
            RecordTable<SeedUserName> names = table.as(SeedUserName.class);
            SeedUser created = full.insert(new SeedUser(1L, "ann", "smith", 0));

            SeedUserName partial = names.find(1L).orElseThrow();
            assertThat(partial.version()).as("%s", strategy).isEqualTo(created.version());
            SeedUser saved = full.update(new SeedUser(1L, "ann", "jones", created.version()));
            assertThatThrownBy(() -> names.update(new SeedUserName(1L, "stale", partial.version())))
                    .isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryValue("SELECT username FROM " + table.name() + " WHERE id = 1")).isEqualTo("ann");

            SeedUserName renamed = names.update(new SeedUserName(1L, "anna", saved.version()));
            assertThat(renamed.version()).isGreaterThan(saved.version());
            assertThat(full.find(1L).orElseThrow()).isEqualTo(new SeedUser(1L, "anna", "jones", renamed.version()));
            assertThat(db.queryValue("SELECT last_name FROM " + table.name() + " WHERE id = 1")).isEqualTo("jones");
            assertThat(storedVersion(db, table.name(), 1)).isEqualTo(renamed.version());
        }
    }

    /**
     * Inherited models (multi-table inheritance): the version lives in the parent's table and the child's own
     * columns in another. A save of the child is the parent's checked update (with no parent change, an empty one
     * that still moves the version on) and the child's write, in one transaction: a stale save is refused before
     * the child's row is touched, and the transaction leaves both tables as they were.
     */
    @AllDatabases
    void aChildRowIsSavedUnderItsParentsVersionInOneTransaction(TestDatabase db) throws Exception {
        for (VersionStrategy strategy : ALL) {
            VersionedTable parents = table(db, strategy);
            String children = db.createTable("seed_child", "parent_ptr " + db.keyType() + " PRIMARY KEY, "
                    + "extra VARCHAR(100)");
            Identity parent = parents.insert(Map.of("id", 1, "username", "parent"));
            db.execute("INSERT INTO " + children + " (parent_ptr, extra) VALUES (1, 'first')");
            long winner = saveChild(db, parents, children, parent.version(), "winner");

            assertThatThrownBy(() -> saveChild(db, parents, children, parent.version(), "stale"))
                    .as("%s", strategy).isInstanceOf(RecordModifiedException.class);
            assertThat(db.queryValue("SELECT extra FROM " + children + " WHERE parent_ptr = 1")).isEqualTo("winner");
            assertThat(storedVersion(db, parents.name(), 1)).isEqualTo(winner).isGreaterThan(parent.version());
        }
    }

    private static long saveChild(TestDatabase db, VersionedTable parents, String children, long version,
                                  String extra) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                long next = parents.using(c).update(1, version, Map.of());
                try (var ps = c.prepareStatement("UPDATE " + children + " SET extra = ? WHERE parent_ptr = 1")) {
                    ps.setString(1, extra);
                    ps.executeUpdate();
                }
                c.commit();
                return next;
            } catch (RuntimeException | java.sql.SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    // ---- test_reversion.py, test_issues.py::test_issue_53 ----

    /**
     * The seed cookbook's "Recover deleted record with django-reversion": the recover view runs inside
     * {@code disable_concurrency(obj)} and saves the kept copy, version included. The same recipe here, a row scope
     * around an insert of the kept values, puts the row back at the kept version; a form opened before the delete
     * (carrying that version) then overwrites the recovered row. {@code restore} is the recipe docs/from-django.md
     * recommends: the row comes back above the kept version, and that form is refused.
     */
    @AllDatabases
    void theCookbooksRecoverRecipeRestartsTheKeptVersionWhereRestoreRefusesOldForms(TestDatabase db) {
        VersionedTable users = table(db, VersionStrategy.autoIncrement());
        Identity id = users.insert(Map.of("id", 1, "username", "kept"));
        Row kept = users.find(1).orElseThrow();
        users.delete(1, kept.version());
        Map<String, Object> copy = new LinkedHashMap<>(kept.values());
        copy.put("version", kept.version());

        try (DisableScope off = users.disable(1)) {
            assertThat(users.insert(copy).version()).isEqualTo(kept.version());
        }
        assertThat(storedVersion(db, users.name(), 1)).isEqualTo(kept.version());
        long overwritten = users.update(1, id.version(), Map.of("username", "form opened before the delete"));
        assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = 1"))
                .isEqualTo("form opened before the delete");

        users.delete(1, overwritten);
        copy.remove("version");
        Identity restored = users.restore(copy, overwritten);
        assertThatThrownBy(() -> users.update(1, id.version(), Map.of("username", "older form")))
                .isInstanceOf(RecordModifiedException.class);
        assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = 1")).isEqualTo("kept");
        assertThat(storedVersion(db, users.name(), 1)).isEqualTo(restored.version()).isGreaterThan(overwritten);
    }

    /**
     * Seed: test_reversion.py::test_recover and test_issues.py::test_issue_53: a deleted row recovered from its
     * kept copy is back, at a version above the kept one.
     */
    @AllDatabases
    void aRecoveredRowIsBackAtAVersionAboveTheKeptOne(TestDatabase db) {
        for (VersionStrategy strategy : ALL) {
            VersionedTable users = table(db, strategy);
            Identity id = users.insert(Map.of("username", "USERNAME-OLD"));
            Row kept = users.find(id.key()).orElseThrow();
            users.delete(id.key(), kept.version());
            Map<String, Object> values = new LinkedHashMap<>(kept.values());

            Identity restored = users.restore(values, kept.version());
            assertThat(restored.version()).as("%s", strategy).isGreaterThan(kept.version());
            assertThat(db.queryValue("SELECT username FROM " + users.name() + " WHERE id = " + id.key()))
                    .isEqualTo("USERNAME-OLD");
            assertThat(storedVersion(db, users.name(), id.key())).isEqualTo(restored.version());
            RecordModifiedException e = catchThrowableOfType(RecordModifiedException.class,
                    () -> users.update(id.key(), kept.version(), Map.of("username", "from before the delete")));
            assertThat(e).isNotNull();
        }
    }
}
