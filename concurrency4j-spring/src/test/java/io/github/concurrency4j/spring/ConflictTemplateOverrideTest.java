package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.spring.app.TestApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;

/** An application's own {@code concurrency4j/conflict.html} replaces the shipped page. */
@SpringBootTest(classes = TestApplication.class,
        properties = "spring.thymeleaf.prefix=classpath:/override-templates/")
@AutoConfigureMockMvc
class ConflictTemplateOverrideTest extends OnProductPages {
    @Test
    void applicationTemplateIsRenderedWithTheConflictModel() throws Exception {
        String bob = token(mvc.perform(get("/products/1/edit")).andReturn().getResponse().getContentAsString());
        concurrency.table("product").update(1, 1L, Map.of("name", "golden apple"));

        String page = mvc.perform(post("/products/1").accept("text/html").param("_c4j_token", bob)
                        .param("name", "crab apple").param("description", "red and round").param("price", "10"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Our own conflict page", "<li>name: golden apple</li>")
                .doesNotContain("Re-apply my changes");
    }
}
