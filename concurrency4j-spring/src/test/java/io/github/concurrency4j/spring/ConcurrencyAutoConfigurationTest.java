package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyJpaAutoConfiguration;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyWebAutoConfiguration;
import io.github.concurrency4j.spring.jpa.JpaConflictAdvice;
import io.github.concurrency4j.spring.web.ConcurrencyForms;
import io.github.concurrency4j.spring.web.ConflictAdvice;
import io.github.concurrency4j.token.VersionTokens;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The auto-configuration in real application contexts: what it registers, from which properties, and when not. */
@ExtendWith(OutputCaptureExtension.class)
class ConcurrencyAutoConfigurationTest {
    private static final AutoConfigurations AUTO = AutoConfigurations.of(DataSourceAutoConfiguration.class,
            SqlInitializationAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, ConcurrencyAutoConfiguration.class,
            ConcurrencyJpaAutoConfiguration.class, ConcurrencyWebAutoConfiguration.class);

    private static String[] database() {
        return new String[] {"spring.datasource.url=jdbc:h2:mem:auto-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:autoconfig-schema.sql"};
    }

    private final ApplicationContextRunner plain = new ApplicationContextRunner().withConfiguration(AUTO)
            .withPropertyValues(database());

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AUTO).withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
            .withPropertyValues(database());

    @Test
    void tablesAndSettingsBindFromProperties() {
        plain.withPropertyValues(
                "concurrency4j.tables.item.key=item_id",
                "concurrency4j.tables.item.version-column=rev",
                "concurrency4j.tables.item.strategy=timestamp",
                "concurrency4j.tables.customer.check-fields=name,email",
                "concurrency4j.version-required=false",
                "concurrency4j.bulk-policy=abort-all",
                "concurrency4j.enabled=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    Concurrency c = context.getBean(Concurrency.class);
                    assertThat(c.tables()).containsExactly("item", "customer");
                    assertThat(c.table("item").declaration().keyColumn()).isEqualTo("item_id");
                    assertThat(c.table("item").declaration().versionColumn()).isEqualTo("rev");
                    assertThat(c.table("item").declaration().strategy()).isEqualTo(VersionStrategy.timestamp());
                    assertThat(c.table("customer").declaration().strategy())
                            .isEqualTo(VersionStrategy.conditional().checkFields("name", "email"));
                    assertThat(c.isVersionRequired()).isFalse();
                    assertThat(c.bulkPolicy()).isEqualTo(io.github.concurrency4j.BulkPolicy.ABORT_ALL);
                    assertThat(c.isEnabled()).isFalse();
                });
    }

    @Test
    void perTableEnabledAndIncrementBindFromPropertiesAndGovernTheWrites() {
        plain.withPropertyValues("concurrency4j.tables.item.key=item_id", "concurrency4j.tables.item.version-column=rev",
                "concurrency4j.tables.item.enabled=false", "concurrency4j.tables.customer.increment=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Concurrency c = context.getBean(Concurrency.class);
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    assertThat(c.table("item").declaration().isEnabled()).isFalse();
                    assertThat(c.table("item").declaration().isIncrement()).isTrue();
                    assertThat(c.table("customer").declaration().isEnabled()).isTrue();
                    assertThat(c.table("customer").declaration().isIncrement()).isFalse();
                    jdbc.update("INSERT INTO item (item_id, label, rev) VALUES (7, 'one', 3)");
                    jdbc.update("INSERT INTO customer (id, name, email, version) VALUES (7, 'Ann', 'a@x', 3)");

                    // enabled=false: a stale write and a write without a version go through, and the version rises.
                    assertThat(c.table("item").update(7, 1L, Map.of("label", "stale but unchecked"))).isEqualTo(4);
                    assertThat(c.table("item").update(7, null, Map.of("label", "blind"))).isEqualTo(5);
                    assertThat(jdbc.queryForObject("SELECT label FROM item WHERE item_id = 7", String.class))
                            .isEqualTo("blind");
                    assertThat(jdbc.queryForObject("SELECT rev FROM item WHERE item_id = 7", Long.class)).isEqualTo(5);

                    // increment=false: checked, written, version kept; a stale write is refused and not written.
                    assertThat(c.table("customer").update(7, 3L, Map.of("name", "Bea"))).isEqualTo(3);
                    assertThatThrownBy(() -> c.table("customer").update(7, 2L, Map.of("name", "stale")))
                            .isInstanceOf(RecordModifiedException.class);
                    assertThat(jdbc.queryForObject("SELECT name FROM customer WHERE id = 7", String.class))
                            .isEqualTo("Bea");
                    assertThat(jdbc.queryForObject("SELECT version FROM customer WHERE id = 7", Long.class))
                            .isEqualTo(3);
                });
    }

    @Test
    void aKeyNoUniqueIndexHasRefusesStartupUnlessAssumeUniqueKeyVouchesForIt() {
        plain.withPropertyValues("concurrency4j.tables.tagged.key=id").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'tagged'")
                    .hasMessageContaining("'id'").hasMessageContaining("assumeUniqueKey()");
        });
        plain.withPropertyValues("concurrency4j.tables.tagged.assume-unique-key=true").run(context -> {
            assertThat(context).hasNotFailed();
            Concurrency c = context.getBean(Concurrency.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertThat(c.table("tagged").declaration().isUniqueKeyAssumed()).isTrue();
            jdbc.update("INSERT INTO tagged (id, label, version) VALUES (1, 'one', 1), (2, 'two', 1), (2, 'twin', 1)");
            assertThat(c.table("tagged").update(1, 1L, Map.of("label", "uno"))).isEqualTo(2);
            assertThatThrownBy(() -> c.table("tagged").update(2, 1L, Map.of("label", "both")))
                    .isInstanceOf(io.github.concurrency4j.KeyNotUniqueException.class);
            assertThat(jdbc.queryForList("SELECT label || '/' || version FROM tagged ORDER BY label", String.class))
                    .containsExactly("twin/1", "two/1", "uno/2");
        });
    }

    @Test
    void incrementOffWithATriggerStrategyRefusesStartupNamingTheTable() {
        plain.withPropertyValues("concurrency4j.tables.customer.strategy=trigger",
                "concurrency4j.tables.customer.increment=false", "concurrency4j.triggers.check=off").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("customer")
                            .hasMessageContaining("increment(false)");
                });
    }

    @Test
    void checkFieldsWithAnotherStrategyFailsNamingTheTable() {
        plain.withPropertyValues("concurrency4j.tables.customer.strategy=trigger",
                "concurrency4j.tables.customer.check-fields=name").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("concurrency4j.tables.customer")
                            .hasMessageContaining("but strategy was TRIGGER");
                });
    }

    @Test
    void triggerSettingsBindFromProperties() {
        plain.withPropertyValues("concurrency4j.tables.customer.strategy=trigger").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("customer");
        });
        plain.withPropertyValues("concurrency4j.tables.customer.strategy=trigger", "concurrency4j.triggers.check=warn")
                .run(context -> assertThat(context).hasNotFailed());
        plain.withPropertyValues("concurrency4j.tables.customer.strategy=trigger",
                "concurrency4j.triggers.auto-create=true").run(context -> {
                    assertThat(context).hasNotFailed();
                    Concurrency c = context.getBean(Concurrency.class);
                    assertThat(c.triggers().check()).isEmpty();
                });
    }

    @Test
    void configurerBeansDeclareTablesToo() {
        plain.withBean(ConcurrencyConfigurer.class, () -> b -> b.table("customer",
                t -> t.version("version", VersionStrategy.conditional().ignoreFields("email"))))
                .run(context -> assertThat(context.getBean(Concurrency.class).table("customer").declaration()
                        .strategy().ignoredFields()).containsExactly("email"));
    }

    @Test
    void signingSecretsComeFromPropertiesAndRotate() {
        String old = "an-old-secret-0123456789";
        String token = VersionTokens.ofStrings(java.util.List.of(old)).sign("item", 1, 3);
        plain.withPropertyValues("concurrency4j.signing.secrets=a-new-secret-0123456789," + old).run(context -> {
            VersionTokens tokens = context.getBean(VersionTokens.class);
            assertThat(tokens.verify(token, "item", 1).version()).isEqualTo(3);
            String fresh = tokens.sign("item", 1, 4);
            assertThat(VersionTokens.ofStrings(java.util.List.of("a-new-secret-0123456789"))
                    .verify(fresh, "item", 1).version()).isEqualTo(4);
        });
    }

    @Test
    void withoutSecretsARandomOneIsUsedWithAWarning(CapturedOutput output) {
        plain.run(context -> {
            assertThat(context).hasSingleBean(VersionTokens.class);
            assertThat(output).contains("concurrency4j.signing.secrets is not set",
                    "several instances of the application will refuse each other's forms");
        });
    }

    @Test
    void noWebApplicationMeansNoWebAdviceBean() {
        plain.run(context -> {
            assertThat(context).hasSingleBean(Concurrency.class);
            assertThat(context).doesNotHaveBean(ConflictAdvice.class);
            assertThat(context).doesNotHaveBean(ConcurrencyForms.class);
            assertThat(context).doesNotHaveBean(JpaConflictAdvice.class);
        });
    }

    @Test
    void servletWebApplicationGetsTheAdviceAndTheFormsHelper() {
        web.run(context -> {
            assertThat(context).hasSingleBean(ConflictAdvice.class);
            assertThat(context).hasBean(ConcurrencyForms.BEAN_NAME);
            // No JPA EntityManagerFactory in this context: no JPA advice.
            assertThat(context).doesNotHaveBean(JpaConflictAdvice.class);
        });
    }

    @Test
    void webSupportCanBeSwitchedOff() {
        web.withPropertyValues("concurrency4j.web.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ConflictAdvice.class));
    }

    @Test
    void applicationBeansReplaceTheDefaults() {
        VersionTokens own = VersionTokens.random();
        web.withBean(VersionTokens.class, () -> own)
                .run(context -> assertThat(context.getBean(VersionTokens.class)).isSameAs(own));
    }

    @Test
    void noDataSourceMeansNoConcurrencyBean() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConcurrencyAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Concurrency.class);
                });
    }

    @Test
    void writesJoinSpringManagedTransactions() {
        plain.withPropertyValues("concurrency4j.tables.item.key=item_id", "concurrency4j.tables.item.version-column=rev")
                .run(context -> {
                    Concurrency c = context.getBean(Concurrency.class);
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.update("INSERT INTO item (item_id, label, rev) VALUES (1, 'one', 1)");
                    TransactionTemplate tx = context.getBean(TransactionTemplate.class);

                    tx.executeWithoutResult(status -> {
                        c.table("item").update(1, 1L, Map.of("label", "rolled back"));
                        // Same transaction: the JdbcTemplate sees the uncommitted write.
                        assertThat(jdbc.queryForObject("SELECT label FROM item WHERE item_id = 1", String.class))
                                .isEqualTo("rolled back");
                        status.setRollbackOnly();
                    });
                    assertThat(jdbc.queryForObject("SELECT label FROM item WHERE item_id = 1", String.class))
                            .isEqualTo("one");

                    tx.executeWithoutResult(status -> c.table("item").update(1, 1L, Map.of("label", "committed")));
                    assertThat(jdbc.queryForObject("SELECT rev FROM item WHERE item_id = 1", Long.class)).isEqualTo(2);
                    assertThatThrownBy(() -> c.table("item").update(1, 1L, Map.of("label", "stale")))
                            .isInstanceOf(RecordModifiedException.class);
                });
    }

    @Test
    void propertyMetadataIsGeneratedForIdes() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json).contains("\"concurrency4j.tables\"", "\"concurrency4j.signing.secrets\"",
                "\"concurrency4j.web.require-if-match\"", "\"concurrency4j.web.auto-merge\"",
                "\"concurrency4j.web.token-parameter\"", "\"concurrency4j.version-required\"", "\"concurrency4j.bulk-policy\"",
                "\"concurrency4j.enabled\"", "\"concurrency4j.triggers.auto-create\"",
                "\"concurrency4j.triggers.check\"");
        try (InputStream in = getClass().getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
        }
    }
}
