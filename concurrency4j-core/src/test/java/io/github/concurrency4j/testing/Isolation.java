package io.github.concurrency4j.testing;

import java.sql.Connection;

/** A transaction isolation level a test runs a caller's transaction at, by its JDBC name. */
public enum Isolation {
    /** Dirty reads; InnoDB locks as at READ COMMITTED, PostgreSQL runs it as READ COMMITTED. */
    READ_UNCOMMITTED(Connection.TRANSACTION_READ_UNCOMMITTED),
    READ_COMMITTED(Connection.TRANSACTION_READ_COMMITTED),
    REPEATABLE_READ(Connection.TRANSACTION_REPEATABLE_READ),
    SERIALIZABLE(Connection.TRANSACTION_SERIALIZABLE);

    private final int jdbcLevel;

    Isolation(int jdbcLevel) {
        this.jdbcLevel = jdbcLevel;
    }

    /** The level as {@link Connection#setTransactionIsolation(int)} takes it. */
    public int jdbcLevel() {
        return jdbcLevel;
    }
}
