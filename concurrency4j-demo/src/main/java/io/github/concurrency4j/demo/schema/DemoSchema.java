package io.github.concurrency4j.demo.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates the demo tables (idempotent, so restarts keep the data) and loads the seed data on the first start.
 * Runs before the {@code Concurrency} bean is built, which checks the declared tables against the live schema.
 */
public final class DemoSchema {
    private static final Logger log = LoggerFactory.getLogger(DemoSchema.class);
    /** A line holding only "/" ends a statement, so scripts may hold SQL bodies with ";" in them. */
    private static final String SEPARATOR = "\n/\n";

    private DemoSchema() {
    }

    /** Creates what is missing and seeds an empty database. */
    public static void initialize(DataSource dataSource) {
        String platform = platform(dataSource);
        run(dataSource, "db/" + platform + ".sql");
        if (isEmpty(dataSource)) {
            run(dataSource, "db/seed.sql");
            log.info("Seeded the demo database ({})", platform);
        }
    }

    private static String platform(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("h2")) {
                return "h2";
            }
            if (product.contains("postgres")) {
                return "postgresql";
            }
            if (product.contains("mariadb") || product.contains("mysql")) {
                return "mariadb";
            }
            throw new IllegalStateException("The demo has schema scripts for H2, PostgreSQL and MariaDB/MySQL, not "
                    + product);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the demo database", e);
        }
    }

    private static void run(DataSource dataSource, String script) {
        ResourceDatabasePopulator populator = new ResourceDatabasePopulator(new ClassPathResource(script));
        populator.setSeparator(SEPARATOR);
        populator.execute(dataSource);
    }

    private static boolean isEmpty(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM product")) {
            rs.next();
            return rs.getLong(1) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count the demo's products", e);
        }
    }
}
