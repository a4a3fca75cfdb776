package io.github.concurrency4j;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listener whose exceptions are logged and dropped: counting must never change what an operation reports. */
final class SafeListener implements ConcurrencyListener {
    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

    private final ConcurrencyListener delegate;

    private SafeListener(ConcurrencyListener delegate) {
        this.delegate = delegate;
    }

    static ConcurrencyListener of(ConcurrencyListener listener) {
        return listener == NONE ? NONE : new SafeListener(listener);
    }

    @Override
    public void conflict(RecordModifiedException conflict) {
        try {
            delegate.conflict(conflict);
        } catch (RuntimeException e) {
            LOG.warn("A ConcurrencyListener failed on a conflict of {}; ignored", conflict.table(), e);
        }
    }

    @Override
    public void retrying(String table, RuntimeException failure, int nextAttempt) {
        try {
            delegate.retrying(table, failure, nextAttempt);
        } catch (RuntimeException e) {
            LOG.warn("A ConcurrencyListener failed on a retry of {}; ignored", table, e);
        }
    }

    @Override
    public void merged(String table, Object key) {
        try {
            delegate.merged(table, key);
        } catch (RuntimeException e) {
            LOG.warn("A ConcurrencyListener failed on a merge of {}; ignored", table, e);
        }
    }

    @Override
    public void replicaFallback(String table) {
        try {
            delegate.replicaFallback(table);
        } catch (RuntimeException e) {
            LOG.warn("A ConcurrencyListener failed on a replica fallback of {}; ignored", table, e);
        }
    }
}
