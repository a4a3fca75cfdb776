package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.internal.EntityReader;
import io.github.concurrency4j.spring.internal.RequestState;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Resolves {@link IfMatch}-marked parameters from the {@code If-Match} header (RFC 9110, section 13.1.1). */
public final class IfMatchArgumentResolver implements HandlerMethodArgumentResolver {
    private final Concurrency concurrency;
    private final boolean requireIfMatch;
    private final EntityReader entities;

    /**
     * @param concurrency the declared tables, to read the current version for {@code If-Match: *} and unconditional
     *     writes
     * @param requireIfMatch whether a write without {@code If-Match} is answered 428
     */
    public IfMatchArgumentResolver(Concurrency concurrency, boolean requireIfMatch) {
        this(concurrency, requireIfMatch, null);
    }

    /**
     * @param concurrency the declared tables (may be {@code null} when only JPA entities are conditional)
     * @param requireIfMatch whether a write without {@code If-Match} is answered 428
     * @param entities reads JPA entities, for {@code @IfMatch(table = "EntityName")}; or {@code null}
     */
    public IfMatchArgumentResolver(Concurrency concurrency, boolean requireIfMatch, EntityReader entities) {
        this.concurrency = concurrency;
        this.requireIfMatch = requireIfMatch;
        this.entities = entities;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return parameter.hasParameterAnnotation(IfMatch.class) && (type == long.class || type == Long.class);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) throws Exception {
        IfMatch annotation = Objects.requireNonNull(parameter.getParameterAnnotation(IfMatch.class));
        HttpServletRequest request = Objects.requireNonNull(webRequest.getNativeRequest(HttpServletRequest.class));
        String rawKey = VersionTokenArgumentResolver.keyOf(request, annotation.key());
        List<String> headers = Collections.list(request.getHeaders("If-Match"));
        if (headers.isEmpty()) {
            if (requireIfMatch) {
                throw ConditionalRequestException.required(annotation.table(), rawKey);
            }
            // No precondition: an unconditional write, as HTTP defines it, against whatever is stored now.
            return current(annotation, parameter, rawKey, webRequest, binderFactory).map(Row::version).orElse(null);
        }
        RequestState.conditional(request);
        IfMatchHeader ifMatch = IfMatchHeader.parse(String.join(", ", headers));
        if (ifMatch.any()) {
            return current(annotation, parameter, rawKey, webRequest, binderFactory).map(Row::version)
                    .orElseThrow(() -> ConditionalRequestException.failed("If-Match: * but " + annotation.table()
                            + " " + rawKey + " does not exist. Nothing was written.", null));
        }
        Set<Long> versions = ifMatch.versions();
        if (versions.size() == 1) {
            // The one version that can match goes into the write's WHERE clause: check and write are one step.
            return versions.iterator().next();
        }
        Optional<Row> current = current(annotation, parameter, rawKey, webRequest, binderFactory);
        Long now = current.map(Row::version).orElse(null);
        if (now != null && versions.contains(now)) {
            return now;
        }
        throw ConditionalRequestException.failed("If-Match " + ifMatch + " names no current version of "
                + annotation.table() + " " + rawKey + " (strong comparison: weak tags never match). Nothing was "
                + "written.", now);
    }

    private Optional<Row> current(IfMatch annotation, MethodParameter parameter, String rawKey,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) throws Exception {
        Object key = typedKey(annotation.key(), parameter, rawKey, webRequest, binderFactory);
        String table = annotation.table();
        if (concurrency != null && concurrency.tables().contains(table.toLowerCase(java.util.Locale.ROOT))) {
            // The version read here decides the write (it goes into its WHERE clause, or answers 412): read where
            // writes go, not from a lagging read replica (IfMatchWithReplicaTest).
            return concurrency.table(table).findCurrent(key);
        }
        Class<?> entity = entities == null ? null : entities.entityType(table);
        if (entity != null) {
            return Optional.ofNullable(entities.current(entity, key));
        }
        throw new IllegalStateException("@IfMatch(table = \"" + table + "\") names neither a declared table nor a JPA "
                + "entity.");
    }

    /** The key converted to the type the controller declares for it, so that it binds as the column's type. */
    private static Object typedKey(String name, MethodParameter parameter, String rawKey, NativeWebRequest webRequest,
                                   WebDataBinderFactory binderFactory) throws Exception {
        for (MethodParameter p : methodParameters(parameter)) {
            String n = null;
            PathVariable pv = p.getParameterAnnotation(PathVariable.class);
            RequestParam rp = p.getParameterAnnotation(RequestParam.class);
            if (pv != null) {
                n = !pv.name().isEmpty() ? pv.name() : p.getParameterName();
            } else if (rp != null) {
                n = !rp.name().isEmpty() ? rp.name() : p.getParameterName();
            }
            if (name.equals(n) && binderFactory != null) {
                WebDataBinder binder = binderFactory.createBinder(webRequest, null, name);
                return binder.convertIfNecessary(rawKey, p.getParameterType(), p);
            }
        }
        return rawKey;
    }

    private static List<MethodParameter> methodParameters(MethodParameter parameter) {
        List<MethodParameter> list = new ArrayList<>();
        int n = parameter.getExecutable().getParameterCount();
        for (int i = 0; i < n; i++) {
            MethodParameter p = MethodParameter.forExecutable(parameter.getExecutable(), i);
            p.initParameterNameDiscovery(new org.springframework.core.DefaultParameterNameDiscoverer());
            list.add(p);
        }
        return list;
    }
}
