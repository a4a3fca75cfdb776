package io.github.concurrency4j.spring.internal;

import java.sql.SQLException;

/** Finding the database's own report in an exception chain. */
final class DatabaseErrors {
    private DatabaseErrors() {
    }

    /** The first SQLSTATE found among the {@link SQLException}s of the cause chain, or {@code null}. */
    static String sqlState(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null) {
                        return s.getSQLState();
                    }
                    if (s.getNextException() == s) {
                        break;
                    }
                }
            }
        }
        return null;
    }
}
