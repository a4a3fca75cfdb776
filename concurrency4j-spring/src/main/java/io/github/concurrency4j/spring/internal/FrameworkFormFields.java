package io.github.concurrency4j.spring.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.support.RequestContextUtils;
import org.springframework.web.servlet.support.RequestDataValueProcessor;

/**
 * The hidden fields the application wants in every form a request renders: with Spring Security, its CSRF token.
 * Asked of Spring MVC's {@link RequestDataValueProcessor}, the same hook Thymeleaf's {@code th:action} and Spring's
 * JSP form tag use, so concurrency4j needs no Spring Security class to emit the token.
 */
public final class FrameworkFormFields {
    /** The bean name Spring MVC looks the processor up by (Spring Security registers its CSRF processor so). */
    static final String PROCESSOR_BEAN = "requestDataValueProcessor";

    private FrameworkFormFields() {
    }

    /** Field name to value; empty when the application has no processor, or outside a dispatched request. */
    public static Map<String, String> of(HttpServletRequest request) {
        WebApplicationContext context = RequestContextUtils.findWebApplicationContext(request);
        if (context == null || !context.containsBean(PROCESSOR_BEAN)) {
            return Map.of();
        }
        Map<String, String> fields = context.getBean(PROCESSOR_BEAN, RequestDataValueProcessor.class)
                .getExtraHiddenFields(request);
        return fields == null ? Map.of() : fields;
    }

    /** The fields as hidden inputs, every name and value escaped. */
    public static String hiddenInputs(Map<String, String> fields) {
        StringBuilder html = new StringBuilder();
        fields.forEach((name, value) -> html.append("<input type=\"hidden\" name=\"")
                .append(ConflictResponder.escape(name)).append("\" value=\"").append(ConflictResponder.escape(value))
                .append("\">"));
        return html.toString();
    }
}
