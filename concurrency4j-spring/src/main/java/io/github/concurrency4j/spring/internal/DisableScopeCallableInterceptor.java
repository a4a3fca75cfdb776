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
    private static final String REQUEST_THREAD = DisableScopeCallableInterceptor.class.getName() + ".thread";

    private final Concurrency concurrency;

    public DisableScopeCallableInterceptor(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @Override
    public <T> void beforeConcurrentHandling(NativeWebRequest request, Callable<T> task) {
        request.setAttribute(REQUEST_THREAD, Thread.currentThread(), NativeWebRequest.SCOPE_REQUEST);
    }

    @Override
    public <T> void preProcess(NativeWebRequest request, Callable<T> task) {
        if (!onRequestThread(request)) {
            DisableScopeLeaks.close(concurrency, "before", () -> describe(request));
        }
    }

    @Override
    public <T> void postProcess(NativeWebRequest request, Callable<T> task, Object concurrentResult) {
        if (!onRequestThread(request)) {
            DisableScopeLeaks.close(concurrency, "after", () -> describe(request));
        }
    }

    /**
     * Whether the task runs on the server thread of its request (an MVC async executor that runs tasks in the
     * caller): the scopes there belong to the request (a filter's, in try-with-resources) and the cleanup filter
     * ends what the request leaves.
     */
    private static boolean onRequestThread(NativeWebRequest request) {
        try {
            return request.getAttribute(REQUEST_THREAD, NativeWebRequest.SCOPE_REQUEST) == Thread.currentThread();
        } catch (RuntimeException recycled) {
            // The request timed out and the server recycled it while the task ran on: clean up all the same.
            return false;
        }
    }

    private static String describe(NativeWebRequest request) {
        try {
            HttpServletRequest http = request.getNativeRequest(HttpServletRequest.class);
            return "the async handler of " + (http == null ? request.getDescription(false)
                    : http.getMethod() + " " + http.getRequestURI());
        } catch (RuntimeException recycled) {
            return "an async handler whose request has ended";
        }
    }
}
