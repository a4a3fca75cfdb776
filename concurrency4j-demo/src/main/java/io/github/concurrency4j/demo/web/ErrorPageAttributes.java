package io.github.concurrency4j.demo.web;

import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.web.servlet.error.DefaultErrorAttributes;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.WebRequest;

/**
 * What the demo's error page and error JSON may say. The demo shows the messages of its own 4xx answers ("No
 * product #7"), so it includes messages; but an error it did not foresee (a 500) says only that something went
 * wrong, and no message that names Java types or holds SQL is shown at all. The full error is in the server log.
 */
@Component
public class ErrorPageAttributes extends DefaultErrorAttributes {
    private static final Pattern INTERNAL = Pattern.compile(
            "java\\.|javax\\.|jakarta\\.|org\\.|com\\.|Exception|SELECT |UPDATE |INSERT |DELETE |\\bSQL\\b");

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Map<String, Object> attributes = super.getErrorAttributes(request, options);
        attributes.remove("exception");
        attributes.remove("trace");
        attributes.remove("errors");
        Object status = attributes.get("status");
        Object message = attributes.get("message");
        if (status instanceof Integer code && code >= 500) {
            attributes.put("message", "Something went wrong on the server; the error has been logged.");
        } else if (message instanceof String text && INTERNAL.matcher(text).find()) {
            attributes.put("message", "The request could not be processed.");
        }
        return attributes;
    }
}
