package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.spring.web.FormVersion;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/** What the argument resolvers and {@code FormVersion} leave on the request for the conflict handling. */
public final class RequestState {
    private static final String FORM_VERSION = RequestState.class.getName() + ".formVersion";
    private static final String OVERLAPPING = RequestState.class.getName() + ".overlapping";
    private static final String IF_MATCH = RequestState.class.getName() + ".ifMatch";

    private RequestState() {
    }

    public static void formVersion(HttpServletRequest request, FormVersion version) {
        request.setAttribute(FORM_VERSION, version);
    }

    public static FormVersion formVersion(HttpServletRequest request) {
        return (FormVersion) request.getAttribute(FORM_VERSION);
    }

    public static void overlapping(HttpServletRequest request, Set<String> fields) {
        if (request != null) {
            request.setAttribute(OVERLAPPING, Set.copyOf(fields));
        }
    }

    @SuppressWarnings("unchecked")
    public static Set<String> overlapping(HttpServletRequest request) {
        Object o = request.getAttribute(OVERLAPPING);
        return o == null ? null : (Set<String>) o;
    }

    /** Marks the request as a conditional write: its conflicts are 412 Precondition Failed, not 409. */
    public static void conditional(HttpServletRequest request) {
        request.setAttribute(IF_MATCH, Boolean.TRUE);
    }

    public static boolean isConditional(HttpServletRequest request) {
        return Boolean.TRUE.equals(request.getAttribute(IF_MATCH));
    }
}
