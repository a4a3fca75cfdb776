package io.github.concurrency4j.spring.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.web.servlet.View;

/** A view whose body is already rendered: problem documents and the built-in pages. */
public final class StaticView implements View {
    private final String contentType;
    private final String body;
    private final Map<String, String> headers;

    public StaticView(String contentType, String body, Map<String, String> headers) {
        this.contentType = contentType;
        this.body = body;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
            throws Exception {
        headers.forEach(response::setHeader);
        response.setContentType(contentType);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
