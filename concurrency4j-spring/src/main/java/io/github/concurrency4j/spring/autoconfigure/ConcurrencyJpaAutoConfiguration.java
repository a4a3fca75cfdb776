package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.internal.EntityReader;
import io.github.concurrency4j.spring.internal.JpaEntityReader;
import io.github.concurrency4j.spring.jpa.JpaVersions;
import jakarta.persistence.EntityManagerFactory;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.orm.jpa.AbstractEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;

/**
 * The JPA/Hibernate bridge, when the application has an {@link EntityManagerFactory}: {@link JpaVersions} and,
 * the reading of entities that the web support's forms and conflict pages use.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration")
@ConditionalOnClass({EntityManagerFactory.class, SharedEntityManagerCreator.class, org.hibernate.StaleObjectStateException.class})
@ConditionalOnSingleCandidate(EntityManagerFactory.class)
public class ConcurrencyJpaAutoConfiguration {

    /**
     * Builds the {@code Concurrency} after the entity manager factory: Hibernate may create the entity tables
     * ({@code ddl-auto}) that the {@code Concurrency} verifies, and the triggers it creates, at startup.
     */
    @Bean
    static BeanFactoryPostProcessor concurrency4jAfterEntityManagerFactory() {
        return beanFactory -> {
            Set<String> factories = new LinkedHashSet<>();
            factories.addAll(Arrays.asList(beanFactory.getBeanNamesForType(EntityManagerFactory.class, true, false)));
            for (String name : beanFactory.getBeanNamesForType(AbstractEntityManagerFactoryBean.class, true, false)) {
                factories.add(BeanFactoryUtils.transformedBeanName(name));
            }
            if (factories.isEmpty()) {
                return;
            }
            for (String name : beanFactory.getBeanNamesForType(Concurrency.class, true, false)) {
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                Set<String> dependsOn = new LinkedHashSet<>();
                if (definition.getDependsOn() != null) {
                    dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
                }
                dependsOn.addAll(factories);
                definition.setDependsOn(dependsOn.toArray(String[]::new));
            }
        };
    }

    /** Reads entities as rows for forms and conflict pages. */
    @Bean
    @ConditionalOnMissingBean
    public EntityReader concurrency4jEntityReader(EntityManagerFactory emf) {
        return new JpaEntityReader(emf);
    }

    /** Writes {@code @Version} entities against the submitted version. */
    @Bean
    @ConditionalOnMissingBean
    public JpaVersions jpaVersions(EntityManagerFactory emf, EntityReader entities) {
        return new JpaVersions(SharedEntityManagerCreator.createSharedEntityManager(emf), entities);
    }
}
