package io.github.concurrency4j;

import java.sql.Connection;
import org.h2.api.Trigger;

/** A hand-made H2 version trigger for {@link BulkTriggerTest}: the version is the fifth column of its table. */
public final class H2VersionBumpTrigger implements Trigger {
    private static final int VERSION = 4;

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
        newRow[VERSION] = ((Number) oldRow[VERSION]).longValue() + 1;
    }
}
