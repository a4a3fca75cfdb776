package io.github.concurrency4j.demo.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.h2.api.Trigger;

/**
 * H2's version trigger for the supplier table: {@code NEW.version = OLD.version + 1} on every UPDATE, whoever runs
 * it. H2 triggers are Java classes; PostgreSQL and MariaDB get the same rule in SQL (see {@code db/*.sql}).
 */
public final class H2VersionTrigger implements Trigger {
    private int versionIndex = -1;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        try (ResultSet columns = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
            for (int i = 0; columns.next(); i++) {
                if (columns.getString("COLUMN_NAME").toLowerCase(Locale.ROOT).equals("version")) {
                    versionIndex = i;
                }
            }
        }
        if (versionIndex < 0) {
            throw new SQLException("Table " + tableName + " has no version column for trigger " + triggerName);
        }
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
        newRow[versionIndex] = ((Number) oldRow[versionIndex]).longValue() + 1;
    }
}
