package io.github.concurrency4j.demo;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Cross-site request forgery protection, by Spring Security. The demo has no users, so every request is permitted,
 * but every state-changing form post must carry the session's CSRF token: Thymeleaf adds it as the hidden field
 * {@code _csrf} to each {@code th:action} form. A signed version token does not do this job: it proves which version
 * a form was based on, not that the user's own page sent it (anyone can load a list page and copy one).
 *
 * <p>The REST API under {@code /api/**} is exempt. Its writes are PUT, PATCH and DELETE with a JSON body and an
 * {@code If-Match} header; a page of another origin can send none of these without a CORS preflight, and the demo
 * answers no preflight, so the browser never sends the write. An API client (curl, another service) has no
 * browser session to borrow, so a token would protect nothing there. An application that adds a POST accepting
 * form or plain-text bodies, or allows CORS, has to put CSRF back on for it.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    static final String CSRF_REFUSED = "Refused: this form was not sent from a page of this site (its CSRF token is"
            + " missing or out of date). Nothing was changed. Reload the page and submit again.";

    @Bean
    SecurityFilterChain demoSecurity(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/api/**"))
                // The only access Spring Security denies here is a post without a valid CSRF token: say so.
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, denied) ->
                        response.sendError(HttpServletResponse.SC_FORBIDDEN, CSRF_REFUSED)))
                .build();
    }
}
