package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyHealthAutoConfiguration;
import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import io.github.concurrency4j.triggers.TriggerTarget;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A version trigger dropped while the application runs (by a DBA, a migration, a restore), over a connection of
 * its own, on every database: the {@code concurrency4j} health component turns DOWN naming the table and the
 * trigger, and the optional scheduled re-check logs it once as an error.
 */
@ExtendWith(OutputCaptureExtension.class)
class TriggerDroppedAtRuntimeTest {

    private static ApplicationContextRunner app(TestDatabase db, String table, String... more) {
        List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + db.url(),
                "concurrency4j.tables." + table + ".strategy=trigger", "concurrency4j.triggers.auto-create=true"));
        if (db.user() != null) {
            properties.add("spring.datasource.username=" + db.user());
            properties.add("spring.datasource.password=" + db.password());
        }
        properties.addAll(List.of(more));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        ConcurrencyAutoConfiguration.class, ConcurrencyHealthAutoConfiguration.class))
                .withPropertyValues(properties.toArray(String[]::new));
    }

    private static String table(TestDatabase db) {
        String table = db.createTable("health", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(50), "
                + "version BIGINT NOT NULL");
        db.execute("INSERT INTO " + table + " (id, name, version) VALUES (1, 'a', 1)");
        return table;
    }

    /** What a DBA types, over a connection of its own. */
    private static void dropTrigger(TestDatabase db, String trigger, String table) throws Exception {
        try (Connection c = db.rawConnection(); Statement s = c.createStatement()) {
            String quoted = db.name().equals("mariadb") ? "`" + trigger + "`" : "\"" + trigger + "\"";
            s.execute("DROP TRIGGER " + quoted + (db.name().equals("postgresql") ? " ON " + table : ""));
        }
    }

    @AllDatabases
    void healthIsDownNamingTheTableAndTheTriggerOnceTheTriggerIsDropped(TestDatabase db) {
        String table = table(db);
        app(db, table).run(context -> {
            assertThat(context).hasNotFailed();
            HealthIndicator health = context.getBean("concurrency4jHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            Concurrency concurrency = context.getBean(Concurrency.class);
            TriggerTarget target = concurrency.triggers().declared().get(0);
            String trigger = concurrency.triggers().triggerName(target);
            dropTrigger(db, trigger, table);

            // What DOWN is about: an outside write no longer moves the version.
            db.execute("UPDATE " + table + " SET name = 'outside' WHERE id = 1");
            assertThat(db.queryLong("SELECT version FROM " + table + " WHERE id = 1")).isEqualTo(1);

            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("missingTriggers")).isEqualTo(List.of(
                    Map.of("table", table, "versionColumn", "version", "trigger", trigger)));
            assertThat(down.getDetails().get("fix").toString()).contains("createMissing()").contains("triggers create");

            concurrency.triggers().createMissing();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @AllDatabases
    void theScheduledRecheckLogsADroppedTriggerOnceNamingTableAndTrigger(TestDatabase db, CapturedOutput output)
            throws Exception {
        String table = table(db);
        app(db, table, "concurrency4j.triggers.recheck-interval=50ms").run(context -> {
            assertThat(context).hasNotFailed();
            Concurrency concurrency = context.getBean(Concurrency.class);
            String trigger = concurrency.triggers().triggerName(concurrency.triggers().declared().get(0));
            dropTrigger(db, trigger, table);
            String expected = "The version trigger " + trigger + " of " + table + ".version is missing";
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!output.getOut().contains(expected) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);   // several more re-checks
            assertThat(output.getOut().split(java.util.regex.Pattern.quote(expected), -1)).as(output.getOut())
                    .hasSize(2);
        });
    }

    @Test
    void theHealthComponentIsOffWithItsManagementProperty() {
        TestDatabase h2 = io.github.concurrency4j.testing.TestDatabases.named("h2");
        String table = table(h2);
        try {
            app(h2, table, "management.health.concurrency4j.enabled=false").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(Concurrency.class)
                        .doesNotHaveBean("concurrency4jHealthIndicator");
            });
        } finally {
            h2.execute("DROP TABLE " + table);
        }
    }
}
