package io.github.concurrency4j.internal;

import io.github.concurrency4j.DisableScope;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * The disable scopes open in each thread. Per {@link io.github.concurrency4j.Concurrency} instance, never
 * process-wide: switching checks off in one thread leaves every other thread checked.
 */
public final class DisableState {

    /** What a scope switches off. */
    public enum Mode {
        /** The version check (the version is still bumped). */
        CHECK,
        /** The version increment (the check still runs). */
        INCREMENT
    }

    private final ThreadLocal<ArrayDeque<Scope>> scopes = ThreadLocal.withInitial(ArrayDeque::new);

    /** Opens a scope in the current thread; an empty table set means every table. */
    public DisableScope open(Mode mode, Set<String> lowerCaseTables) {
        Scope s = new Scope(mode, lowerCaseTables, Thread.currentThread());
        scopes.get().push(s);
        return s;
    }

    /** Whether the current thread has checks off for this table. */
    public boolean checkDisabled(String lowerCaseTable) {
        return disabled(Mode.CHECK, lowerCaseTable);
    }

    /** Whether the current thread has increments off for this table. */
    public boolean incrementDisabled(String lowerCaseTable) {
        return disabled(Mode.INCREMENT, lowerCaseTable);
    }

    private boolean disabled(Mode mode, String table) {
        ArrayDeque<Scope> open = scopes.get();
        if (open.isEmpty()) {
            return false;
        }
        for (Scope s : open) {
            if (s.mode == mode && (s.tables.isEmpty() || s.tables.contains(table))) {
                return true;
            }
        }
        return false;
    }

    private final class Scope implements DisableScope {
        private final Mode mode;
        private final Set<String> tables;
        private final Thread owner;
        private boolean closed;

        private Scope(Mode mode, Set<String> tables, Thread owner) {
            this.mode = mode;
            this.tables = tables;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("A disable scope must be closed by the thread that opened it ("
                        + owner.getName() + "), not by " + Thread.currentThread().getName() + ".");
            }
            if (!closed) {
                closed = true;
                ArrayDeque<Scope> open = scopes.get();
                open.remove(this);
                if (open.isEmpty()) {
                    scopes.remove();
                }
            }
        }

        @Override
        public String toString() {
            return "DisableScope[" + mode + (tables.isEmpty() ? " all tables" : " " + tables) + "]";
        }
    }
}
