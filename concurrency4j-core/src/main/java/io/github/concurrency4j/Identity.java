package io.github.concurrency4j;

import java.util.Objects;

/**
 * A row as a user saw it: its key and the version it had at that moment.
 *
 * @param key the row's key value
 * @param version the version the row had when it was read
 */
public record Identity(Object key, long version) {
    /** Refuses a {@code null} key: every row has one. */
    public Identity {
        Objects.requireNonNull(key, "key must not be null");
    }

    /** Shorthand for {@code new Identity(key, version)}. */
    public static Identity of(Object key, long version) {
        return new Identity(key, version);
    }
}
