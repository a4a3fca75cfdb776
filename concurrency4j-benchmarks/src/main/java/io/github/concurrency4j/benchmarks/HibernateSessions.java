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
        Configuration configuration = new Configuration().addAnnotatedClass(HibernateProduct.class);
        configuration.getProperties().put(AvailableSettings.DATASOURCE, pool);
        // The tables are made by the benchmark; Hibernate must neither create nor check them.
        configuration.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
        configuration.setProperty(AvailableSettings.SHOW_SQL, "false");
        configuration.setProperty(AvailableSettings.GENERATE_STATISTICS, "false");
        return configuration.buildSessionFactory();
    }
}
