package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionStrategy;
import io.github.concurrency4j.spring.ConcurrencyConfigurer;
import io.github.concurrency4j.spring.DisableScopeTaskDecorator;
import io.github.concurrency4j.spring.SpringConnectionSource;
import io.github.concurrency4j.spring.internal.TriggerRecheck;
import io.github.concurrency4j.token.TokenSigner;
import io.github.concurrency4j.token.VersionTokens;
import io.github.concurrency4j.triggers.TriggerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.task.ThreadPoolTaskExecutorCustomizer;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;

/**
 * The {@link Concurrency} of the application's data source, joined to Spring-managed transactions, with the tables
 * of {@code concurrency4j.tables.*} and of every {@link ConcurrencyConfigurer}; and the {@link VersionTokens} of
 * {@code concurrency4j.signing.secrets}. The {@code Concurrency} is built after the schema is initialized
 * (schema.sql, Flyway, Liquibase), since building it verifies the declared tables.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class,
        afterName = "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration")
@ConditionalOnClass(Concurrency.class)
@EnableConfigurationProperties(ConcurrencyProperties.class)
public class ConcurrencyAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrencyAutoConfiguration.class);

    /** The declared tables of the application's data source. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    @DependsOnDatabaseInitialization
    public Concurrency concurrency(DataSource dataSource, ConcurrencyProperties properties,
                                   ObjectProvider<ConcurrencyConfigurer> configurers) {
        Concurrency.Builder builder = Concurrency.builder(new SpringConnectionSource(dataSource))
                .enabled(properties.isEnabled())
                .versionRequired(properties.isVersionRequired())
                .bulkPolicy(properties.getBulkPolicy())
                .triggers(TriggerSettings.ofDefaults().withAutoCreate(properties.getTriggers().isAutoCreate())
                        .withCheck(properties.getTriggers().getCheck()));
        for (Map.Entry<String, ConcurrencyProperties.Table> e : properties.getTables().entrySet()) {
            ConcurrencyProperties.Table t = e.getValue();
            VersionStrategy strategy = strategy(e.getKey(), t);
            builder.table(e.getKey(), d -> {
                d.key(t.getKey()).version(t.getVersionColumn(), strategy).enabled(t.isEnabled())
                        .increment(t.isIncrement());
                if (t.isAssumeUniqueKey()) {
                    d.assumeUniqueKey();
                }
            });
        }
        configurers.orderedStream().forEach(c -> c.configure(builder));
        return builder.build();
    }

    /**
     * The version tokens: signed by the application's {@link TokenSigner} bean if it declares one (a KMS or an
     * HSM), else with the configured secrets, else with a random secret per start and a warning.
     *
     * @throws IllegalStateException (startup fails) when a secret is empty, too short or an unresolved placeholder
     */
    @Bean
    @ConditionalOnMissingBean
    public VersionTokens versionTokens(ConcurrencyProperties properties, ObjectProvider<TokenSigner> signers) {
        ConcurrencyProperties.Signing signing = properties.getSigning();
        List<String> previous = SigningSecrets.checked("concurrency4j.signing.previous-secrets",
                signing.getPreviousSecrets(), true);
        List<String> secrets = SigningSecrets.checked("concurrency4j.signing.secrets", signing.getSecrets(), false);
        TokenSigner signer = signers.getIfUnique();
        VersionTokens tokens;
        if (signer != null) {
            if (!secrets.isEmpty() || !previous.isEmpty()) {
                throw new IllegalStateException("A TokenSigner bean is declared and concurrency4j.signing.secrets "
                        + "(or previous-secrets) is set: tokens would be signed by the bean and the secrets ignored. "
                        + "Remove the secrets, or the bean.");
            }
            tokens = VersionTokens.of(signer);
        } else if (secrets.isEmpty()) {
            if (!previous.isEmpty()) {
                throw new IllegalStateException("concurrency4j.signing.previous-secrets is set but "
                        + "concurrency4j.signing.secrets is not: previous secrets only verify, a current secret "
                        + "must sign. Set concurrency4j.signing.secrets.");
            }
            LOG.warn("concurrency4j.signing.secrets is not set: version tokens are signed with a random secret made "
                    + "at this start. Forms open across a restart will be refused, and several instances of the "
                    + "application will refuse each other's forms. Configure a shared secret of at least {} bytes.",
                    VersionTokens.MIN_SECRET_BYTES);
            tokens = VersionTokens.random();
        } else {
            List<String> all = new ArrayList<>(secrets);
            all.addAll(previous);
            tokens = VersionTokens.ofStrings(all);
        }
        return tokens.withMaxAge(signing.getMaxAge());
    }

    static VersionStrategy strategy(String table, ConcurrencyProperties.Table t) {
        boolean narrowed = !t.getCheckFields().isEmpty() || !t.getIgnoreFields().isEmpty();
        ConcurrencyProperties.Strategy kind = t.getStrategy() != null ? t.getStrategy()
                : narrowed ? ConcurrencyProperties.Strategy.CONDITIONAL : ConcurrencyProperties.Strategy.AUTO_INCREMENT;
        if (narrowed && kind != ConcurrencyProperties.Strategy.CONDITIONAL) {
            throw new IllegalArgumentException("concurrency4j.tables." + table + ": check-fields and ignore-fields "
                    + "apply only to strategy=conditional, but strategy was " + kind + ".");
        }
        return switch (kind) {
            case AUTO_INCREMENT -> VersionStrategy.autoIncrement();
            case TIMESTAMP -> VersionStrategy.timestamp();
            case TRIGGER -> VersionStrategy.trigger();
            case CONDITIONAL -> {
                VersionStrategy s = VersionStrategy.conditional();
                if (!t.getCheckFields().isEmpty()) {
                    s = s.checkFields(t.getCheckFields().toArray(String[]::new));
                }
                if (!t.getIgnoreFields().isEmpty()) {
                    s = s.ignoreFields(t.getIgnoreFields().toArray(String[]::new));
                }
                yield s;
            }
        };
    }

    /**
     * The re-check of the version triggers every {@code concurrency4j.triggers.recheck-interval}, when it is set: a
     * trigger dropped while the application runs is logged as an error.
     */
    @Bean
    @ConditionalOnBean(Concurrency.class)
    @ConditionalOnProperty(prefix = "concurrency4j.triggers", name = "recheck-interval")
    public TriggerRecheck concurrency4jTriggerRecheck(Concurrency concurrency, ConcurrencyProperties properties) {
        return new TriggerRecheck(concurrency, properties.getTriggers().getRecheckInterval());
    }

    /**
     * No disable scope outlives its task on the pooled threads of Spring Boot's {@code applicationTaskExecutor}
     * ({@code @Async} methods, MVC's {@code Callable} handlers) and task scheduler ({@code @Scheduled}): each task
     * is decorated with {@link DisableScopeTaskDecorator}, after the application's own {@code TaskDecorator} bean
     * when it has exactly one (Boot applies a decorator only then).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.task.ThreadPoolTaskExecutorCustomizer")
    static class DisableScopeTasks {

        @Bean
        ThreadPoolTaskExecutorCustomizer concurrency4jDisableScopeExecutorCustomizer(
                ObjectProvider<Concurrency> concurrency, ObjectProvider<TaskDecorator> decorators) {
            return executor -> executor.setTaskDecorator(withScopeCleanup(decorators.getIfUnique(), concurrency));
        }

        @Bean
        ThreadPoolTaskSchedulerCustomizer concurrency4jDisableScopeSchedulerCustomizer(
                ObjectProvider<Concurrency> concurrency, ObjectProvider<TaskDecorator> decorators) {
            return scheduler -> scheduler.setTaskDecorator(withScopeCleanup(decorators.getIfUnique(), concurrency));
        }

        private static TaskDecorator withScopeCleanup(TaskDecorator own, ObjectProvider<Concurrency> concurrency) {
            // Looked up when a task runs: the executor may be built before the Concurrency, or without one.
            AtomicReference<Concurrency> found = new AtomicReference<>();
            Supplier<Concurrency> engine = () -> {
                Concurrency c = found.get();
                if (c == null) {
                    c = concurrency.getIfUnique();
                    found.set(c);
                }
                return c;
            };
            TaskDecorator cleanup = new DisableScopeTaskDecorator(engine);
            // The last decorator is the outermost: the cleanup runs after the application's decorator is done.
            return own == null ? cleanup : new CompositeTaskDecorator(List.of(own, cleanup));
        }
    }
}
