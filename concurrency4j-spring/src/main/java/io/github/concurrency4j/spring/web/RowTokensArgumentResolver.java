package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.TokenPurpose;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves {@link RowTokens}-marked {@link RowVersions} parameters: verifies every submitted row token against
 * the table and the purpose, and throws {@link io.github.concurrency4j.token.InvalidTokenException} (400) for any bad
 * one and for a row submitted twice.
 */
public final class RowTokensArgumentResolver implements HandlerMethodArgumentResolver {
    private final VersionTokens tokens;

    /** @param tokens the signing secrets */
    public RowTokensArgumentResolver(VersionTokens tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.hasParameterAnnotation(RowTokens.class) && parameter.getParameterType() == RowVersions.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        RowTokens annotation = Objects.requireNonNull(parameter.getParameterAnnotation(RowTokens.class));
        HttpServletRequest request = Objects.requireNonNull(webRequest.getNativeRequest(HttpServletRequest.class));
        TokenPurpose purpose = annotation.purpose();
        String name = !annotation.parameter().isEmpty() ? annotation.parameter()
                : purpose == TokenPurpose.SELECTION ? RowTokens.SELECTED : RowTokens.ROWS;
        String[] submitted = request.getParameterValues(name);
        if (submitted == null && request.getAttribute("org.apache.catalina.parameter_parse_failed") != null) {
            // Tomcat read none of the form's fields (too large, too many): not "no rows", which would let the
            // controller report an empty save. The advice answers 413 and says why.
            throw InvalidTokenException.missing(annotation.table(), "(form not read)");
        }
        List<VerifiedToken> verified = new ArrayList<>();
        if (submitted != null) {
            for (String t : submitted) {
                verified.add(tokens.verify(t, purpose, annotation.table()));
            }
        }
        String across = request.getParameter(RowTokens.SELECT_ACROSS);
        boolean acrossPages = "true".equalsIgnoreCase(across) || "1".equals(across) || "on".equalsIgnoreCase(across);
        return new RowVersions(annotation.table(), verified, acrossPages);
    }
}
