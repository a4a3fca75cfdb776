package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.spring.internal.RequestState;
import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Resolves {@link VersionToken}-marked parameters of type {@link FormVersion}, {@code long} or {@code Long}: reads
 * the token from the request parameter, verifies it against the purpose, the table and the key of this request, and throws
 * {@link io.github.concurrency4j.token.InvalidTokenException} (400) when it is missing, forged, malformed, expired or
 * issued for another record or purpose.
 */
public final class VersionTokenArgumentResolver implements HandlerMethodArgumentResolver {
    private final VersionTokens tokens;
    private final String parameterName;
    private final boolean autoMerge;
    private final ConcurrencyListener listener;

    /**
     * @param tokens the signing secrets
     * @param parameterName the request parameter carrying the token
     * @param autoMerge whether {@link FormVersion#update} merges disjoint edits
     */
    public VersionTokenArgumentResolver(VersionTokens tokens, String parameterName, boolean autoMerge) {
        this(tokens, parameterName, autoMerge, ConcurrencyListener.NONE);
    }

    /**
     * @param tokens the signing secrets
     * @param parameterName the request parameter carrying the token
     * @param autoMerge whether {@link FormVersion#update} merges disjoint edits
     * @param listener told of every merged save ({@link ConcurrencyListener#merged})
     */
    public VersionTokenArgumentResolver(VersionTokens tokens, String parameterName, boolean autoMerge,
                                        ConcurrencyListener listener) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.parameterName = Objects.requireNonNull(parameterName, "parameterName");
        this.autoMerge = autoMerge;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return parameter.hasParameterAnnotation(VersionToken.class)
                && (type == FormVersion.class || type == long.class || type == Long.class);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) throws Exception {
        VersionToken annotation = Objects.requireNonNull(parameter.getParameterAnnotation(VersionToken.class));
        HttpServletRequest request = Objects.requireNonNull(webRequest.getNativeRequest(HttpServletRequest.class));
        String key = keyOf(request, annotation.key());
        VerifiedToken verified = tokens.verify(onlyToken(request, annotation.table(), key), annotation.purpose(),
                annotation.table(), key);
        FormVersion version = new FormVersion(verified, autoMerge, request, listener);
        RequestState.formVersion(request, version);
        return parameter.getParameterType() == FormVersion.class ? version : verified.version();
    }

    /**
     * The one token the form carries. Two different ones (a hand-made request, a template that renders two forms'
     * tokens in one) leave it open which version the user's values are based on: refused, whatever their order. The
     * same token twice is no contradiction.
     */
    private String onlyToken(HttpServletRequest request, String table, String key) {
        String[] submitted = request.getParameterValues(parameterName);
        if (submitted == null || submitted.length == 0) {
            return null;
        }
        for (String t : submitted) {
            if (!t.equals(submitted[0])) {
                throw InvalidTokenException.duplicate(table, key, "two different version tokens");
            }
        }
        return submitted[0];
    }

    static String keyOf(HttpServletRequest request, String name) throws ServletRequestBindingException {
        @SuppressWarnings("unchecked")
        Map<String, String> vars = (Map<String, String>) request.getAttribute(
                HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String key = vars == null ? null : vars.get(name);
        if (key == null) {
            key = request.getParameter(name);
        }
        if (key == null || key.isEmpty()) {
            throw new ServletRequestBindingException("The request names no row: no path variable or parameter '"
                    + name + "'.");
        }
        return key;
    }
}
