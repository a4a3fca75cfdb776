package io.github.concurrency4j.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Drops the tables a test created through {@link TestDatabase#createTable(String, String)}. */
public final class DropTablesAfterEach implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabase.dropCreatedTables();
    }
}
