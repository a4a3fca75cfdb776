package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.web.ConflictAdvice;
import io.github.concurrency4j.token.VersionTokens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The plain web support without Boot and without Thymeleaf: the built-in page, every value escaped. */
class BuiltInConflictPageTest {

    @RestController
    static class LosingController {
        @PostMapping("/notes/{id}")
        String save(@PathVariable long id) {
            Row current = new Row(id, 4, Map.of("id", id, "title", "<img src=x onerror=alert(1)>",
                    "body", "stored body", "secret", "hidden-from-form", "version", 4L));
            throw new RecordModifiedException("note", id, 3, current,
                    Map.of("title", "mine & yours", "body", "stored body edited"), "update");
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new LosingController())
            .setControllerAdvice(new ConflictAdvice(VersionTokens.random(), "_c4j_token", false))
            .build();

    @Test
    void builtInPageShowsOnlyTheAttemptedFieldsEscaped() throws Exception {
        String page = mvc.perform(post("/notes/7").accept("text/html")).andExpect(status().isConflict())
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("This record was changed by someone else")
                .contains("&lt;img src=x onerror=alert(1)&gt;", "mine &amp; yours")
                .contains("stored body<ins class=\"added\"> edited</ins>")
                .doesNotContain("<img").doesNotContain("hidden-from-form").doesNotContain("secret");
    }

    @Test
    void jsonClientsGetTheProblemDocumentWithoutUnattemptedFields() throws Exception {
        String json = mvc.perform(post("/notes/7").accept("application/json")).andExpect(status().isConflict())
                .andReturn().getResponse().getContentAsString();

        assertThat(json).contains("\"status\":409", "\"currentVersion\":4", "\"expectedVersion\":3",
                "\"conflictingFields\":[", "\"title\"").doesNotContain("hidden-from-form")
                .contains("\\u003cimg");
    }
}
