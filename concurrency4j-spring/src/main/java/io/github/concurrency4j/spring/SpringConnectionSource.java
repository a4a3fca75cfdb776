package io.github.concurrency4j.spring;

import io.github.concurrency4j.ConnectionSource;
import java.sql.Connection;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Connections that join the current Spring-managed transaction: inside {@code @Transactional} (a
 * {@code DataSourceTransactionManager} or a {@code JpaTransactionManager}), a versioned write runs on the
 * transaction's connection and commits or rolls back with it; outside one, each operation gets its own connection.
 */
public final class SpringConnectionSource implements ConnectionSource {
    private final DataSource dataSource;

    /** Connections of this data source, joined to Spring's transaction when one is active. */
    public SpringConnectionSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Connection acquire() {
        return DataSourceUtils.getConnection(dataSource);
    }

    @Override
    public void release(Connection connection) {
        DataSourceUtils.releaseConnection(connection, dataSource);
    }
}
