package io.github.concurrency4j.spring;

import io.github.concurrency4j.ConnectionSource;
import io.github.concurrency4j.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Connections that join the current Spring-managed transaction: inside {@code @Transactional} (a
 * {@code DataSourceTransactionManager} or a {@code JpaTransactionManager}), a versioned write runs on the
 * transaction's connection and commits or rolls back with it; outside one, each operation gets its own connection.
 *
 * <p>A transaction a versioned write joined is checked before Spring commits it: when the database has already
 * ended it (PostgreSQL aborts a whole transaction on any failed statement, and its COMMIT then only rolls back while
 * the driver returns normally), the commit fails with Spring's {@link UnexpectedRollbackException} instead of looking
 * successful, so no write acknowledged in it is reported saved.
 */
public final class SpringConnectionSource implements ConnectionSource {
    private final DataSource dataSource;
    private volatile Dialect dialect;

    /** Connections of this data source, joined to Spring's transaction when one is active. */
    public SpringConnectionSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Connection acquire() {
        Connection c = DataSourceUtils.getConnection(dataSource);
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            watch();
        }
        return c;
    }

    @Override
    public void release(Connection connection) {
        DataSourceUtils.releaseConnection(connection, dataSource);
    }

    /** Registers the commit check once per transaction (a nested one shares its outer transaction's). */
    private void watch() {
        for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
            if (s instanceof CommitCheck check && check.source == this) {
                return;
            }
        }
        TransactionSynchronizationManager.registerSynchronization(new CommitCheck(this));
    }

    /** Before the commit: refuses one that would roll back in silence. */
    private static final class CommitCheck implements TransactionSynchronization {
        private final SpringConnectionSource source;

        CommitCheck(SpringConnectionSource source) {
            this.source = source;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            Connection c = DataSourceUtils.getConnection(source.dataSource);
            try {
                Dialect d = source.dialect;
                if (d == null) {
                    d = Dialect.detect(c.getMetaData());
                    source.dialect = d;
                }
                if (d.transactionAborted(c)) {
                    // Thrown here, Spring rolls the transaction back and the caller gets this, not a commit.
                    throw new UnexpectedRollbackException("Refused to commit the Spring transaction: the database "
                            + "had already aborted it, because a statement in it failed and the failure was caught "
                            + "and the work went on (" + d.name() + " ends a whole transaction on any error). "
                            + "Its COMMIT would only have rolled back: it is rolled back, and nothing of it was saved, "
                            + "including the versioned writes acknowledged in it. Let the failure end the "
                            + "transaction, or run the statement that may fail in a nested transaction "
                            + "(Propagation.NESTED, a savepoint) so that its failure undoes only itself.");
                }
            } catch (SQLException e) {
                // Unknown state: the commit itself then says what the driver knows.
            } finally {
                DataSourceUtils.releaseConnection(c, source.dataSource);
            }
        }
    }
}
