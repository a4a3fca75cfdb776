package io.github.concurrency4j;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Where the engine gets its connections. The default takes a fresh connection from a {@link DataSource} for each
 * operation and closes it after; an integration with a transaction manager (Spring's, for instance) returns the
 * connection bound to the current transaction and leaves it open.
 */
public interface ConnectionSource {

    /**
     * A connection to run one operation on.
     *
     * @return an open connection
     * @throws SQLException when no connection can be had; the operation fails with it
     */
    Connection acquire() throws SQLException;

    /**
     * Gives back a connection obtained from {@link #acquire()}.
     *
     * @param connection the connection {@link #acquire()} returned
     * @throws SQLException when closing or returning it fails
     */
    void release(Connection connection) throws SQLException;

    /** Connections straight from a data source: one per operation, closed after. */
    static ConnectionSource of(DataSource dataSource) {
        java.util.Objects.requireNonNull(dataSource, "dataSource");
        return new ConnectionSource() {
            @Override
            public Connection acquire() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void release(Connection connection) throws SQLException {
                connection.close();
            }
        };
    }

    /** Always the given connection, never closed: the caller owns it and its transaction. */
    static ConnectionSource of(Connection connection) {
        java.util.Objects.requireNonNull(connection, "connection");
        return new ConnectionSource() {
            @Override
            public Connection acquire() {
                return connection;
            }

            @Override
            public void release(Connection c) {
                // The caller owns the connection.
            }
        };
    }
}
