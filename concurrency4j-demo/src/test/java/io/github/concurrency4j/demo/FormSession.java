package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real HTTP that posts forms the way a browser does: it keeps the session cookie, and a form post carries the
 * CSRF token ({@code _csrf}) of the last page loaded that had a form. Without it the demo answers a post with 403
 * (see SecurityConfiguration). Load the page holding the form first, as a user would, then post:
 *
 * <pre>{@code
 * FormSession user = new FormSession("http://localhost:" + port);
 * String page = user.get("/products/7/edit").body();
 * HttpResponse<String> saved = user.post("/products/7/edit", "name=Mug&_c4j_token=" + tokenFrom(page));
 * }</pre>
 *
 * Redirects are not followed unless asked for, so a test sees the 302 of a successful save.
 */
final class FormSession {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;
    private String csrfToken;

    FormSession(String base) {
        this(base, HttpClient.Redirect.NEVER);
    }

    FormSession(String base, HttpClient.Redirect redirects) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(redirects).build();
    }

    /** GET; remembers the CSRF token when the page has a form. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** A form post of the url-encoded {@code body}, with the CSRF token added; add headers before sending. */
    HttpRequest.Builder form(String path, String body) {
        assertThat(csrfToken).as("load a page with a form before posting (it carries the CSRF token)").isNotNull();
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        body + "&_csrf=" + URLEncoder.encode(csrfToken, StandardCharsets.UTF_8)));
    }

    /** {@link #form} sent. */
    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(form(path, body));
    }

    /** Sends with this session's cookies; remembers the CSRF token of an answered page with a form. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = CSRF.matcher(response.body());
        if (m.find()) {
            csrfToken = m.group(1);
        }
        return response;
    }

    /** The CSRF token of the last page loaded with a form, or {@code null}. */
    String csrfToken() {
        return csrfToken;
    }
}
