package io.github.concurrency4j;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A bulk action that must run only if none of the selected rows changed since the user saw them, such as
 * "delete selected" or "mark selected as shipped". See {@link VersionedTable#guard(java.util.Collection,
 * GuardedAction)}.
 *
 * @param <T> what the action returns
 */
@FunctionalInterface
public interface GuardedAction<T> {

    /**
     * Runs the action inside the transaction that checked (and, where the database can, locked) the selected rows.
     * Do all the action's work on this connection, for instance through {@code table.using(connection)}; do not
     * commit, roll back or close it: the guard commits when the action returns and rolls back when it throws.
     *
     * @param connection the guard's transaction
     * @return the action's result, handed back by {@code guard}
     * @throws SQLException to roll the transaction back; {@code guard} rethrows it as a
     *     {@link StatementFailedException}
     */
    T run(Connection connection) throws SQLException;
}
