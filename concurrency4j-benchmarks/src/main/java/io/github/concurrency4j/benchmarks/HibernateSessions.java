package io.github.concurrency4j.benchmarks;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import javax.sql.DataSource;

/** A plain Hibernate 6 bootstrap, configured in code: no Spring, no persistence.xml. */
final class HibernateSessions {
    private HibernateSessions() {
    }

    /** A session factory for {@link HibernateProduct} on the benchmark's own pool, so pooling is not a variable. */
    static SessionFactory on(DataSource pool) {
        return configuration(pool, HibernateProduct.class).buildSessionFactory();
    }

    /**
     * A session factory for {@link HibernateGridRow} that flushes its updates in JDBC batches of {@code batchSize}:
     * Hibernate's advice for writing many rows ({@code hibernate.jdbc.batch_size}, updates ordered by key, and
     * versioned rows batched too, their update counts still checked).
     */
    static SessionFactory batching(DataSource pool, int batchSize) {
        Configuration configuration = configuration(pool, HibernateGridRow.class);
        configuration.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, String.valueOf(batchSize));
        configuration.setProperty(AvailableSettings.ORDER_UPDATES, "true");
        configuration.setProperty(AvailableSettings.BATCH_VERSIONED_DATA, "true");
        return configuration.buildSessionFactory();
    }

    private static Configuration configuration(DataSource pool, Class<?> entity) {
        Configuration configuration = new Configuration().addAnnotatedClass(entity);
        configuration.getProperties().put(AvailableSettings.DATASOURCE, pool);
        // The tables are made by the benchmark; Hibernate must neither create nor check them.
        configuration.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
        configuration.setProperty(AvailableSettings.SHOW_SQL, "false");
        configuration.setProperty(AvailableSettings.GENERATE_STATISTICS, "false");
        return configuration;
    }
}
