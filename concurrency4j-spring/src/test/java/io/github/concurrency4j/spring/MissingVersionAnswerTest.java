package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.spring.app.TestApplication;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;

/**
 * A write without a version (MissingVersionException, which is not a RecordModifiedException) is a clear 428 for
 * API clients and browsers alike, never a 500, and writes nothing.
 */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureMockMvc
class MissingVersionAnswerTest extends OnProductPages {
    @Test
    void apiClientsGetA428ProblemNamingTheRowAndNothingIsWritten() throws Exception {
        mvc.perform(post("/products/1/blind-price").param("price", "99").accept(MediaType.APPLICATION_JSON))
                .andExpect(status().isPreconditionRequired())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.status").value(428))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString("without an expected version")))
                .andExpect(jsonPath("$.detail").value(Matchers.containsString("nothing was written")));
        assertThat(jdbc.queryForObject("SELECT price FROM product WHERE id = 1", Integer.class)).isEqualTo(10);
        assertThat(jdbc.queryForObject("SELECT version FROM product WHERE id = 1", Long.class)).isEqualTo(1);
    }

    @Test
    void browsersGetA428PageAndNothingIsWritten() throws Exception {
        String html = mvc.perform(post("/products/1/blind-price").param("price", "99").accept(MediaType.TEXT_HTML))
                .andExpect(status().isPreconditionRequired())
                .andReturn().getResponse().getContentAsString();
        assertThat(html).contains("428").contains("without an expected version");
        assertThat(jdbc.queryForObject("SELECT price FROM product WHERE id = 1", Integer.class)).isEqualTo(10);
    }
}
