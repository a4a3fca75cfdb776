package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.DisableScope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter: once a request is done, closes the disable scopes its handler left open on the server
 * thread, which the pool gives to the next request, and logs them as the bug they are. Without it, one handler
 * that forgot a {@code close()} (or lost it to an exception) would leave version checks off for every later
 * request that thread serves.
 */
public final class DisableScopeCleanup extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(DisableScopeCleanup.class);

    private final Concurrency concurrency;

    public DisableScopeCleanup(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            List<DisableScope> left = concurrency.closeDisableScopes();
            if (!left.isEmpty()) {
                LOG.error("{} {} left {} open on thread {}: closed now, so that the next requests this thread "
                        + "serves are checked. Open a scope with try-with-resources.", request.getMethod(),
                        request.getRequestURI(), left, Thread.currentThread().getName());
            }
        }
    }
}
