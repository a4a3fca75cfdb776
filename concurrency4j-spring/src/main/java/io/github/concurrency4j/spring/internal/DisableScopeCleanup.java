package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Concurrency;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter: once a request's dispatch is done, closes the disable scopes it left open on the server
 * thread, which the pool gives to the next request, and logs them as the bug they are. Without it, one handler
 * that forgot a {@code close()} (or lost it to an exception) would leave version checks off for every later
 * request that thread serves. It runs around every dispatch of a request: the first, the async dispatch that
 * renders an async handler's result, and the error dispatch; and checks the thread before the dispatch too.
 * Scopes left on the threads that run async handlers are closed by {@code DisableScopeCallableInterceptor} and
 * {@code DisableScopeTaskDecorator}.
 */
public final class DisableScopeCleanup extends OncePerRequestFilter {
    private final Concurrency concurrency;

    public DisableScopeCleanup(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DisableScopeLeaks.close(concurrency, "before", () -> describe(request));
        try {
            chain.doFilter(request, response);
        } finally {
            DisableScopeLeaks.close(concurrency, "after", () -> describe(request));
        }
    }

    static String describe(HttpServletRequest request) {
        return request.getMethod() + " " + request.getRequestURI()
                + (request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST ? ""
                        : " (" + request.getDispatcherType().name().toLowerCase(java.util.Locale.ROOT)
                        + " dispatch)");
    }
}
