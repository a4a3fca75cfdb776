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

/** {@code concurrency4j.web.auto-merge=false}: every conflict is a 409, disjoint or not. */
@SpringBootTest(classes = TestApplication.class, properties = "concurrency4j.web.auto-merge=false")
@AutoConfigureMockMvc
class AutoMergeOffTest extends OnProductPages {
    @Test
    void disjointEditIsA409WhenAutoMergeIsOff() throws Exception {
        String bob = token(mvc.perform(get("/products/1/edit")).andReturn().getResponse().getContentAsString());
        concurrency.table("product").update(1, 1L, Map.of("price", 99));

        String page = mvc.perform(post("/products/1").accept("text/html").param("_c4j_token", bob)
                        .param("name", "crab apple").param("description", "red and round").param("price", "10"))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();

        assertThat(page).contains("crab apple", "99");
        assertThat(jdbc.queryForMap("SELECT name, price FROM product WHERE id = 1"))
                .containsEntry("NAME", "apple").containsEntry("PRICE", 99);
    }

    /**
     * Seed: test_admin_edit.py::test_conflict with the seed's answer: someone saves the row without changing a field
     * (only the version moves on), and the edited form opened before is a 409; the row keeps its values.
     */
    @Test
    void theSeedsConflictScenarioIsA409WhenAutoMergeIsOff() throws Exception {
        String form = token(mvc.perform(get("/products/1/edit")).andReturn().getResponse().getContentAsString());
        long bare = concurrency.table("product").update(1, 1L, Map.of());

        mvc.perform(post("/products/1").accept("text/html").param("_c4j_token", form)
                        .param("name", "green apple").param("description", "red and round").param("price", "10"))
                .andExpect(status().isConflict());
        assertThat(jdbc.queryForMap("SELECT name, version FROM product WHERE id = 1"))
                .containsEntry("NAME", "apple").containsEntry("VERSION", bare);
    }
}
