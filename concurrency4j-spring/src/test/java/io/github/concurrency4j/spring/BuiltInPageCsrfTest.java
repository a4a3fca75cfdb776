package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.web.ConcurrencyForms;
import io.github.concurrency4j.spring.web.ConflictAdvice;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.spring.web.VersionToken;
import io.github.concurrency4j.spring.web.VersionTokenArgumentResolver;
import io.github.concurrency4j.token.VersionTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.servlet.support.csrf.CsrfRequestDataValueProcessor;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.support.RequestDataValueProcessor;

/**
 * The built-in conflict page (no Thymeleaf) renders its own "re-apply" form, so it must carry the CSRF token
 * itself: it asks Spring MVC's {@link RequestDataValueProcessor}, the hook Spring Security registers for exactly
 * this. Here with Spring Security's real CSRF filter and processor, the token kept in the session.
 */
class BuiltInPageCsrfTest {
    private static final VersionTokens TOKENS = VersionTokens.random();
    private static final ConcurrencyForms FORMS = new ConcurrencyForms(TOKENS, "_c4j_token", null);
    private static final Pattern HIDDEN =
            Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    @RestController
    static class LosingNotes {
        @PostMapping("/notes/{id}")
        String save(@PathVariable long id, @VersionToken(table = "note") FormVersion version) {
            Row current = new Row(id, 4, Map.of("id", id, "title", "theirs", "version", 4L));
            throw new RecordModifiedException("note", id, version.version(), current, Map.of("title", "mine"),
                    "update");
        }
    }

    /** A form written by hand (no Thymeleaf): the helper adds what the framework needs. */
    @RestController
    static class HandWrittenForm {
        @GetMapping(value = "/notes/{id}/edit", produces = "text/html")
        String edit(@PathVariable long id) {
            Row row = new Row(id, 3, Map.of("id", id, "title", "old", "version", 3L));
            return "<form method=\"post\" action=\"/notes/" + id + "\">" + FORMS.hidden("note", row, "title")
                    + FORMS.csrfFields() + "<input name=\"title\" value=\"mine\"></form>";
        }
    }

    @Configuration
    @EnableWebMvc
    static class App implements WebMvcConfigurer {
        @Bean
        LosingNotes notes() {
            return new LosingNotes();
        }

        @Bean
        HandWrittenForm handWrittenForm() {
            return new HandWrittenForm();
        }

        @Bean
        ConflictAdvice conflictAdvice() {
            return new ConflictAdvice(TOKENS, "_c4j_token", false);
        }

        /** What Spring Security's {@code @EnableWebSecurity} registers under this name for Spring MVC. */
        @Bean
        RequestDataValueProcessor requestDataValueProcessor() {
            return new CsrfRequestDataValueProcessor();
        }

        @Override
        public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
            resolvers.add(new VersionTokenArgumentResolver(TOKENS, "_c4j_token", false));
        }
    }

    private MockMvc mvc;
    private final MockHttpSession session = new MockHttpSession();
    private CsrfToken csrf;

    @BeforeEach
    void start() {
        AnnotationConfigWebApplicationContext context = new AnnotationConfigWebApplicationContext();
        context.setServletContext(new MockServletContext());
        context.register(App.class);
        context.refresh();
        HttpSessionCsrfTokenRepository repository = new HttpSessionCsrfTokenRepository();
        CsrfFilter filter = new CsrfFilter(repository);
        // Tokens compared as issued (no per-response masking), so the test can send the session's token itself.
        filter.setRequestHandler(new CsrfTokenRequestAttributeHandler());
        mvc = MockMvcBuilders.webAppContextSetup(context).addFilters(filter).build();
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setSession(session);
        csrf = repository.generateToken(request);
        repository.saveToken(csrf, request, new MockHttpServletResponse());
    }

    @Test
    void reapplyFormOfTheBuiltInPageCarriesTheCsrfTokenAndPassesTheFilter() throws Exception {
        String page = mvc.perform(save().param("_c4j_token", TOKENS.sign("note", 7L, 3, Map.of("title", "old")))
                        .param("title", "mine").param(csrf.getParameterName(), csrf.getToken()))
                .andReturn().getResponse().getContentAsString();

        MockHttpServletRequestBuilder reapply = save();
        int csrfFields = 0;
        Matcher hidden = HIDDEN.matcher(page);
        while (hidden.find()) {
            reapply.param(hidden.group(1), hidden.group(2));
            csrfFields += hidden.group(1).equals(csrf.getParameterName()) ? 1 : 0;
        }
        assertThat(csrfFields).as("one CSRF field in the re-apply form of:\n" + page).isEqualTo(1);
        // The re-apply post passes the CSRF filter: the page's answer is the next conflict (409), not 403.
        assertThat(mvc.perform(reapply).andReturn().getResponse().getStatus()).isEqualTo(409);
    }

    @Test
    void handWrittenFormGetsTheCsrfTokenFromTheFormsHelper() throws Exception {
        String page = mvc.perform(get("/notes/7/edit").session(session)).andReturn().getResponse()
                .getContentAsString();
        MockHttpServletRequestBuilder submit = save().param("title", "mine");
        Matcher hidden = HIDDEN.matcher(page);
        List<String> names = new ArrayList<>();
        while (hidden.find()) {
            submit.param(hidden.group(1), hidden.group(2));
            names.add(hidden.group(1));
        }
        assertThat(names).containsExactly("_c4j_token", csrf.getParameterName());
        // Through the CSRF filter to the controller, which loses its race: 409, not 403.
        assertThat(mvc.perform(submit).andReturn().getResponse().getStatus()).isEqualTo(409);
    }

    @Test
    void postWithoutTheCsrfTokenIsRefusedByTheFilter() throws Exception {
        int status = mvc.perform(save().param("_c4j_token", TOKENS.sign("note", 7L, 3, Map.of("title", "old")))
                .param("title", "mine")).andReturn().getResponse().getStatus();
        assertThat(status).isEqualTo(403);
    }

    private MockHttpServletRequestBuilder save() {
        return post("/notes/7").session(session).accept("text/html");
    }
}
