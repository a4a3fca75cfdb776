package io.github.concurrency4j.benchmarks;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.data.jdbc.core.convert.JdbcCustomConversions;
import org.springframework.data.jdbc.core.mapping.JdbcMappingContext;
import org.springframework.data.jdbc.repository.config.AbstractJdbcConfiguration;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.data.relational.RelationalManagedTypes;
import org.springframework.data.relational.core.mapping.NamingStrategy;
import org.springframework.data.repository.CrudRepository;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.util.Optional;

/**
 * A minimal Spring Data JDBC application without Spring Boot: a repository of {@link SpringDataProduct} on the
 * benchmark's own pool (so pooling is not a variable), its {@code save} and {@code saveAll} transactional as
 * Spring Data declares them.
 */
final class SpringDataProducts implements AutoCloseable {
    /** The repository a Spring Data user declares. */
    interface ProductRepository extends CrudRepository<SpringDataProduct, Long> {
    }

    private final AnnotationConfigApplicationContext context;
    final ProductRepository repository;

    private SpringDataProducts(AnnotationConfigApplicationContext context) {
        this.context = context;
        this.repository = context.getBean(ProductRepository.class);
    }

    /** A context saving {@link SpringDataProduct} into {@code table} through {@code pool}; close it when done. */
    static SpringDataProducts on(DataSource pool, String table) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(DataSource.class, () -> pool);
        context.registerBean(NamingStrategy.class, () -> new NamingStrategy() {
            @Override
            public String getTableName(Class<?> type) {
                return table;
            }
        });
        context.register(Config.class);
        context.refresh();
        return new SpringDataProducts(context);
    }

    @Override
    public void close() {
        context.close();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableJdbcRepositories(basePackageClasses = SpringDataProducts.class, considerNestedRepositories = true,
            includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ProductRepository.class))
    static class Config extends AbstractJdbcConfiguration {
        @Bean
        NamedParameterJdbcOperations namedParameterJdbcOperations(DataSource pool) {
            return new NamedParameterJdbcTemplate(pool);
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource pool) {
            return new DataSourceTransactionManager(pool);
        }

        @Bean
        @Override
        public JdbcMappingContext jdbcMappingContext(Optional<NamingStrategy> namingStrategy,
                                                     JdbcCustomConversions customConversions,
                                                     RelationalManagedTypes jdbcManagedTypes) {
            JdbcMappingContext mappingContext = super.jdbcMappingContext(namingStrategy, customConversions,
                    jdbcManagedTypes);
            // The benchmark tables are created with unquoted (case-folded) names, and H2 folds to upper case.
            mappingContext.setForceQuote(false);
            return mappingContext;
        }
    }
}
