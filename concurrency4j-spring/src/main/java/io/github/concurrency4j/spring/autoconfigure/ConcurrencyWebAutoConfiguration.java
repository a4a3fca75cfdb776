package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.spring.internal.ColumnLimits;
import io.github.concurrency4j.spring.internal.ConflictResponder;
import io.github.concurrency4j.spring.internal.DisableScopeCallableInterceptor;
import io.github.concurrency4j.spring.internal.DisableScopeCleanup;
import io.github.concurrency4j.spring.internal.EntityReader;
import io.github.concurrency4j.spring.web.ConcurrencyForms;
import io.github.concurrency4j.spring.web.ConflictAdvice;
import io.github.concurrency4j.spring.web.IfMatchArgumentResolver;
import io.github.concurrency4j.spring.web.RequestErrorAdvice;
import io.github.concurrency4j.spring.web.RestWrites;
import io.github.concurrency4j.spring.web.RowTokensArgumentResolver;
import io.github.concurrency4j.spring.web.VersionTokenArgumentResolver;
import io.github.concurrency4j.token.VersionTokens;
import io.github.concurrency4j.spring.jpa.JpaConflictAdvice;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The Spring MVC integration, in servlet web applications: the conflict advice (409 page, problem documents), the
 * request-error advice (400s without internals), {@code RestWrites} for REST bodies,
 * the {@code concurrency4jForms} helper for templates, and the argument resolvers of {@code @VersionToken} and
 * {@code @IfMatch} and {@code @RowTokens}. Off with {@code concurrency4j.web.enabled=false}.
 */
@AutoConfiguration(after = {ConcurrencyAutoConfiguration.class, ConcurrencyJpaAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "concurrency4j.web", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(VersionTokens.class)
public class ConcurrencyWebAutoConfiguration {
    private static final boolean THYMELEAF = ClassUtils.isPresent("org.thymeleaf.spring6.SpringTemplateEngine",
            ConcurrencyWebAutoConfiguration.class.getClassLoader());

    /** Renders conflicts and refused tokens; the conflict template when Thymeleaf is present. */
    @Bean
    @ConditionalOnMissingBean
    public ConflictResponder concurrency4jConflictResponder(VersionTokens tokens, ConcurrencyProperties properties,
                                                            ObjectProvider<EntityReader> entities,
                                                            ObjectProvider<DataSource> dataSource) {
        DataSource ds = dataSource.getIfUnique();
        return new ConflictResponder(tokens, properties.getWeb().getTokenParameter(), THYMELEAF,
                entities.getIfAvailable(), ds == null ? null : new ColumnLimits(ds));
    }

    /** 409/400/412/428 answers. */
    @Bean
    @ConditionalOnMissingBean
    public ConflictAdvice concurrency4jConflictAdvice(ConflictResponder responder) {
        return new ConflictAdvice(responder);
    }

    /**
     * 400s for the request mistakes Spring MVC detects (unreadable body, unconvertible parameter), and database
     * errors through Spring, without SQL or Java type names; at the lowest precedence.
     */
    @Bean
    @ConditionalOnMissingBean
    public RequestErrorAdvice concurrency4jRequestErrorAdvice(ConflictResponder responder) {
        return new RequestErrorAdvice(responder);
    }

    /**
     * The outermost filter, which closes (and logs as errors) disable scopes a request left open on its server
     * thread, so that they do not switch checks off for the next requests the pooled thread serves.
     */
    @Bean
    @ConditionalOnMissingBean(name = "concurrency4jDisableScopeCleanup")
    @ConditionalOnBean(Concurrency.class)
    public FilterRegistrationBean<DisableScopeCleanup> concurrency4jDisableScopeCleanup(Concurrency concurrency) {
        FilterRegistrationBean<DisableScopeCleanup> registration =
                new FilterRegistrationBean<>(new DisableScopeCleanup(concurrency));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** REST writes of declared tables from JSON bodies, checked against the table's columns. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Concurrency.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    public RestWrites concurrency4jRestWrites(Concurrency concurrency, DataSource dataSource) {
        return new RestWrites(concurrency, new ColumnLimits(dataSource));
    }

    /** The hidden-field helper, {@code ${@concurrency4jForms.hidden(...)}} in templates. */
    @Bean(ConcurrencyForms.BEAN_NAME)
    @ConditionalOnMissingBean
    public ConcurrencyForms concurrency4jForms(VersionTokens tokens, ConcurrencyProperties properties,
                                               ObjectProvider<EntityReader> entities) {
        return new ConcurrencyForms(tokens, properties.getWeb().getTokenParameter(), entities.getIfAvailable());
    }

    /**
     * Registers the {@code @VersionToken}, {@code @IfMatch} and {@code @RowTokens} argument resolvers, and the
     * interceptor that closes disable scopes an async handler's {@code Callable} left open on its thread.
     */
    @Bean
    public WebMvcConfigurer concurrency4jWebMvcConfigurer(VersionTokens tokens, ConcurrencyProperties properties,
                                                          ObjectProvider<Concurrency> concurrency,
                                                          ObjectProvider<EntityReader> entities) {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                Concurrency engine = concurrency.getIfAvailable();
                resolvers.add(new VersionTokenArgumentResolver(tokens, properties.getWeb().getTokenParameter(),
                        properties.getWeb().isAutoMerge(),
                        engine == null ? ConcurrencyListener.NONE : engine.listener()));
                resolvers.add(new RowTokensArgumentResolver(tokens));
                resolvers.add(new IfMatchArgumentResolver(engine,
                        properties.getWeb().isRequireIfMatch(), entities.getIfAvailable()));
            }

            @Override
            public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
                Concurrency engine = concurrency.getIfAvailable();
                if (engine != null) {
                    configurer.registerCallableInterceptors(new DisableScopeCallableInterceptor(engine));
                }
            }
        };
    }

    /**
     * A JSON body holding more than one value ({"name": "x"} {"name": "y"}) is refused (400) instead of read up to
     * the end of the first one, which wrote "x" and answered 204, dropping the rest without a word.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"com.fasterxml.jackson.databind.ObjectMapper",
            "org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer"})
    static class SingleJsonValue {
        @Bean
        org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer
                concurrency4jRejectTrailingJson() {
            return builder -> builder.featuresToEnable(
                    com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    }

    /**
     * JSON bodies that name a member twice are refused (400, naming it) instead of read with the last value, which
     * wrote {"name": "x", "name": "y"} as "y" and answered 204: a guess at what the client meant. Off with
     * {@code concurrency4j.web.reject-duplicate-json-members=false}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"com.fasterxml.jackson.databind.ObjectMapper",
            "org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer"})
    @ConditionalOnProperty(prefix = "concurrency4j.web", name = "reject-duplicate-json-members",
            matchIfMissing = true)
    static class StrictJson {
        @Bean
        org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer
                concurrency4jRejectDuplicateJsonMembers() {
            return builder -> builder.featuresToEnable(
                    com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
    }

    /** The 409 answer to JPA's and Hibernate's optimistic-lock failures, with the entity's stored values. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"jakarta.persistence.EntityManagerFactory", "org.hibernate.StaleObjectStateException",
            "org.springframework.orm.ObjectOptimisticLockingFailureException"})
    @ConditionalOnSingleCandidate(EntityManagerFactory.class)
    static class Jpa {
        @Bean
        @ConditionalOnMissingBean
        JpaConflictAdvice concurrency4jJpaConflictAdvice(ConflictResponder responder, EntityManagerFactory emf) {
            return new JpaConflictAdvice(responder, emf);
        }
    }
}
