package io.github.concurrency4j.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Prints the PostgreSQL server's version, for the benchmark report; exits with 1 when the server cannot be reached,
 * which tells {@code scripts/bench} to run H2 only.
 */
public final class ServerVersion {
    private ServerVersion() {
    }

    public static void main(String[] args) {
        BenchmarkDatabase pg = BenchmarkDatabase.POSTGRESQL;
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            System.out.println(rs.getString(1));
        } catch (SQLException e) {
            System.err.println("PostgreSQL not reachable at " + pg.url() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
