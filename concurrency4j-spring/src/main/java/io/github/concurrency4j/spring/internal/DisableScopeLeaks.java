package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.DisableScope;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the disable scopes a unit of work (a request, an async handler, a task) left open on its pooled thread, and
 * logs each as the bug it is: left in force, a scope would switch checks off for whatever the thread runs next,
 * usually another user's request, whose stale writes would then overwrite other users' saves unchecked.
 */
public final class DisableScopeLeaks {
    private static final Logger LOG = LoggerFactory.getLogger(DisableScopeLeaks.class);

    private DisableScopeLeaks() {
    }

    /**
     * Closes every disable scope still open on the current thread; logs an error naming them and {@code work}
     * when there were any ({@code describeWork} is called only then).
     *
     * @param when "after" (the work left them) or "before" (found on the thread when the work started: an earlier
     *     unit of work on it leaked them)
     * @return how many scopes were closed
     */
    public static int close(Concurrency concurrency, String when, Supplier<String> describeWork) {
        List<DisableScope> left = concurrency.closeDisableScopes();
        if (!left.isEmpty()) {
            Thread thread = Thread.currentThread();
            String work = describeWork.get();
            if ("before".equals(when)) {
                LOG.error("Found {} disable scope(s) still open on thread {} before {}, left by earlier work on "
                        + "this thread: {}. Closed now, so that {} runs with version checks on. Open a scope with "
                        + "try-with-resources.", left.size(), thread.getName(), work, left, work);
            } else {
                LOG.error("{} ended with {} disable scope(s) still open on thread {}: {}. Closed now, so that "
                        + "what this thread runs next (often another user's request) is checked. Open a scope with "
                        + "try-with-resources, on the thread that does the writes.", work, left.size(),
                        thread.getName(), left);
            }
        }
        return left.size();
    }
}
