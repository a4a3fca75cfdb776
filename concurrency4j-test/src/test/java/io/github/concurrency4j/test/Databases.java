package io.github.concurrency4j.test;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionStrategy;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.cfg.Configuration;

/** An H2 database with a product table and a Hibernate persistence unit, shared by the kit's own tests. */
final class Databases {
    static final JdbcDataSource H2 = new JdbcDataSource();
    private static volatile Concurrency concurrency;
    private static volatile EntityManagerFactory emf;

    static {
        H2.setURL("jdbc:h2:mem:kit;DB_CLOSE_DELAY=-1");
        H2.setUser("sa");
        try (Connection c = H2.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS kit_product (id BIGINT PRIMARY KEY, name VARCHAR(100), "
                    + "note VARCHAR(100), version BIGINT NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Databases() {
    }

    static synchronized Concurrency concurrency() {
        if (concurrency == null) {
            concurrency = Concurrency.builder(H2)
                    .table("kit_product", t -> t.version("version", VersionStrategy.conditional().checkFields("name")))
                    .build();
        }
        return concurrency;
    }

    static synchronized EntityManagerFactory emf() {
        if (emf == null) {
            emf = new Configuration().addAnnotatedClass(KitBook.class).addAnnotatedClass(KitNote.class)
                    .setProperty("hibernate.connection.url", "jdbc:h2:mem:kit;DB_CLOSE_DELAY=-1")
                    .setProperty("hibernate.connection.username", "sa")
                    .setProperty("hibernate.hbm2ddl.auto", "create-drop")
                    .buildSessionFactory();
        }
        return emf;
    }
}
