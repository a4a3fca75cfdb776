package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.spring.internal.EntityReader;
import io.github.concurrency4j.spring.internal.JpaEntityReader;
import io.github.concurrency4j.spring.jpa.JpaVersions;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;

/**
 * The JPA/Hibernate bridge, when the application has an {@link EntityManagerFactory}: {@link JpaVersions} and,
 * the reading of entities that the web support's forms and conflict pages use.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration")
@ConditionalOnClass({EntityManagerFactory.class, SharedEntityManagerCreator.class, org.hibernate.StaleObjectStateException.class})
@ConditionalOnSingleCandidate(EntityManagerFactory.class)
public class ConcurrencyJpaAutoConfiguration {

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
