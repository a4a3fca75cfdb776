package io.github.concurrency4j.internal;

import io.github.concurrency4j.DisableScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * The disable scopes open in each thread. Per {@link io.github.concurrency4j.Concurrency} instance, never
 * process-wide: switching checks off in one thread leaves every other thread checked, unless the scope is handed
 * to a task explicitly with {@link DisableScope#wrap(Runnable)}.
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
        return push(new Scope(mode, lowerCaseTables, null, Thread.currentThread()));
    }

    /** Opens a scope in the current thread that switches checks off for these rows of one table only. */
    public DisableScope openRows(String lowerCaseTable, Set<Object> keys) {
        return push(new Scope(Mode.CHECK, Set.of(lowerCaseTable), Set.copyOf(keys), Thread.currentThread()));
    }

    private DisableScope push(Scope s) {
        ArrayDeque<Scope> open = scopes.get();
        // Scopes another thread ended (a refused close, see Scope#close) are dropped here rather than piling up.
        open.removeIf(o -> o.closed);
        open.push(s);
        return s;
    }

    /**
     * Closes the scopes the current thread opened and still holds, oldest first, and hands back those lent to it
     * by a wrapped task; returns them all. The thread then has no scope.
     */
    public List<DisableScope> closeAll() {
        ArrayDeque<Scope> open = scopes.get();
        if (open.isEmpty()) {
            scopes.remove();
            return List.of();
        }
        List<DisableScope> left = new ArrayList<>(open.size());
        for (Scope s : open) {
            if (!s.closed) {
                left.add(s);
            }
        }
        Collections.reverse(left);
        Thread current = Thread.currentThread();
        for (DisableScope s : left) {
            if (((Scope) s).owner == current) {
                s.close();
            }
        }
        scopes.remove();
        return List.copyOf(left);
    }

    /** Whether the current thread has checks off for this whole table. */
    public boolean checkDisabled(String lowerCaseTable) {
        return disabled(Mode.CHECK, lowerCaseTable, null);
    }

    /** Whether the current thread has checks off for this row: for its whole table, or for the row alone. */
    public boolean checkDisabled(String lowerCaseTable, Object key) {
        return disabled(Mode.CHECK, lowerCaseTable, key);
    }

    /** Whether the current thread has increments off for this table. */
    public boolean incrementDisabled(String lowerCaseTable) {
        return disabled(Mode.INCREMENT, lowerCaseTable, null);
    }

    private boolean disabled(Mode mode, String table, Object key) {
        ArrayDeque<Scope> open = scopes.get();
        if (open.isEmpty()) {
            return false;
        }
        for (Scope s : open) {
            if (s.mode == mode && !s.closed && (s.tables.isEmpty() || s.tables.contains(table))
                    && (s.keys == null || (key != null && s.keys.contains(key)))) {
                return true;
            }
        }
        return false;
    }

    private final class Scope implements DisableScope {
        private final Mode mode;
        private final Set<String> tables;
        /** The rows the scope covers, or {@code null} for every row of its tables. */
        private final Set<Object> keys;
        private final Thread owner;
        /** Read by the worker threads a wrapped task runs on: a task started after the close runs checked. */
        private volatile boolean closed;

        private Scope(Mode mode, Set<String> tables, Set<Object> keys, Thread owner) {
            this.mode = mode;
            this.tables = tables;
            this.keys = keys;
            this.owner = owner;
        }

        /**
         * Ends the scope. From a thread other than the owner's the close is refused as the bug it is, but the scope
         * ends all the same: left in force, it would keep checks off for whatever the owner's thread (a pooled one,
         * typically) runs next, and those writes would overwrite other users' saves unchecked. The owner's thread
         * drops it from its stack later (it is ignored there from now on).
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                boolean wasOpen = !closed;
                closed = true;
                throw new IllegalStateException("A disable scope must be closed by the thread that opened it ("
                        + owner.getName() + "), not by " + Thread.currentThread().getName() + "."
                        + (wasOpen ? " It was ended all the same, so that " + owner.getName() + " writes checked "
                        + "again; open and close a scope on one thread, with try-with-resources." : ""));
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
        public Runnable wrap(Runnable task) {
            Objects.requireNonNull(task, "task");
            return () -> {
                lend();
                try {
                    task.run();
                } finally {
                    giveBack();
                }
            };
        }

        @Override
        public <T> Callable<T> wrap(Callable<T> task) {
            Objects.requireNonNull(task, "task");
            return () -> {
                lend();
                try {
                    return task.call();
                } finally {
                    giveBack();
                }
            };
        }

        @Override
        public Executor wrap(Executor executor) {
            Objects.requireNonNull(executor, "executor");
            return task -> executor.execute(wrap(task));
        }

        /** Installs this scope in the thread that runs a wrapped task, for the task's duration. */
        private void lend() {
            scopes.get().push(this);
        }

        private void giveBack() {
            ArrayDeque<Scope> open = scopes.get();
            // removeFirstOccurrence, not pop: on the owner's own thread (a direct executor) the same scope may
            // also sit deeper in the stack, where the owner's close() removes it.
            open.removeFirstOccurrence(this);
            if (open.isEmpty()) {
                scopes.remove();
            }
        }

        @Override
        public String toString() {
            return "DisableScope[" + mode + (tables.isEmpty() ? " all tables" : " " + tables)
                    + (keys == null ? "" : " rows " + keys) + (closed ? ", closed" : "") + "]";
        }
    }
}
