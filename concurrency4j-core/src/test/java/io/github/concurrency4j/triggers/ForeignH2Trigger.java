package io.github.concurrency4j.triggers;

import java.sql.Connection;
import org.h2.api.Trigger;

/** A trigger someone else wrote: it must never be listed or dropped as a concurrency4j trigger. */
public final class ForeignH2Trigger implements Trigger {
    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) {
        // Does nothing; only its presence matters.
    }
}
