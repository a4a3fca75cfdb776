package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Concurrency;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.Callable;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;

/**
 * Closes, on the thread that ran it, the disable scopes an async handler's {@code Callable} or {@code WebAsyncTask}
 * left open, whichever executor runs it (the application's own one included); and those found on the thread
 * before it starts. Logged as errors naming the request.
 */
public final class DisableScopeCallableInterceptor implements CallableProcessingInterceptor {
    private final Concurrency concurrency;

    public DisableScopeCallableInterceptor(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    public <T> void preProcess(NativeWebRequest request, Callable<T> task) {
        DisableScopeLeaks.close(concurrency, "before", () -> describe(request));
    }

    @Override
    public <T> void postProcess(NativeWebRequest request, Callable<T> task, Object concurrentResult) {
        DisableScopeLeaks.close(concurrency, "after", () -> describe(request));
    }

    private static String describe(NativeWebRequest request) {
        HttpServletRequest http = request.getNativeRequest(HttpServletRequest.class);
        return "the async handler of " + (http == null ? request.getDescription(false)
                : http.getMethod() + " " + http.getRequestURI());
    }
}
