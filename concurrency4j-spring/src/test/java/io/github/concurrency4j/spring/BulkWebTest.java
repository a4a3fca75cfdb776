package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.CHECKBOX;
import static io.github.concurrency4j.spring.WebTestSupport.ROW_TOKEN;
import static io.github.concurrency4j.spring.WebTestSupport.all;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.spring.app.TestApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** List-editable grids (one token per row, updateAll) and guarded bulk actions (signed checkboxes, guard). */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureMockMvc
class BulkWebTest extends OnProductPages {
    @BeforeEach
    void plum() {
        jdbc.update("INSERT INTO product (id, name, description, price, cost, version) VALUES (3, 'plum', '', 30, 1, 1)");
    }

    private String page() throws Exception {
        return mvc.perform(get("/products")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    /** The grid as submitted: every row's token and fields, with prices raised by one. */
    private MockHttpServletRequestBuilder saveGrid(List<String> tokens, String policy) {
        MockHttpServletRequestBuilder b = post("/products/grid").param("policy", policy).accept("text/html");
        for (String t : tokens) {
            b.param("_c4j_rows", t);
        }
        Object[][] rows = {{1, "apple", 11}, {2, "pear", 21}, {3, "plum", 31}};
        for (Object[] r : rows) {
            b.param("name[" + r[0] + "]", (String) r[1]).param("price[" + r[0] + "]", String.valueOf(r[2]));
        }
        return b;
    }

    private int price(long id) {
        return jdbc.queryForObject("SELECT price FROM product WHERE id = ?", Integer.class, id);
    }

    @Test
    void gridSavesCurrentRowsAndReportsTheStaleOnesUnderSkipConflicts() throws Exception {
        List<String> tokens = all(ROW_TOKEN, page());
        assertThat(tokens).hasSize(3);
        concurrency.table("product").update(2, 1L, Map.of("price", 99));

        mvc.perform(saveGrid(tokens, "skip")).andExpect(status().is3xxRedirection())
                .andExpect(flash().attribute("message",
                        "Product 2 was changed by someone else and was not saved. 2 products saved."));

        assertThat(price(1)).isEqualTo(11);
        assertThat(price(2)).isEqualTo(99);
        assertThat(price(3)).isEqualTo(31);
    }

    @Test
    void gridSavesNothingUnderAbortAllAndAnswers409() throws Exception {
        List<String> tokens = all(ROW_TOKEN, page());
        concurrency.table("product").update(2, 1L, Map.of("price", 99));
        concurrency.table("product").update(3, 1L, Map.of("price", 98));

        String page = mvc.perform(saveGrid(tokens, "abort")).andExpect(status().isConflict())
                .andReturn().getResponse().getContentAsString();

        assertThat(page).contains("Records 2, 3 were changed by someone else");
        assertThat(price(1)).isEqualTo(10);
        assertThat(price(2)).isEqualTo(99);
        assertThat(price(3)).isEqualTo(98);
    }

    @Test
    void untouchedGridRowsAreNotWritten() throws Exception {
        List<String> tokens = all(ROW_TOKEN, page());
        MockHttpServletRequestBuilder b = post("/products/grid").param("_c4j_rows", tokens.toArray(String[]::new))
                .param("name[1]", "apple").param("price[1]", "10")
                .param("name[2]", "Pear").param("price[2]", "20")
                .param("name[3]", "plum").param("price[3]", "30");
        mvc.perform(b).andExpect(flash().attribute("message", "1 product saved."));
        assertThat(jdbc.queryForObject("SELECT version FROM product WHERE id = 1", Long.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT version FROM product WHERE id = 2", Long.class)).isEqualTo(2);
    }

    @Test
    void forgedRowTokenIsA400AndNothingIsSaved() throws Exception {
        List<String> tokens = new ArrayList<>(all(ROW_TOKEN, page()));
        tokens.set(1, tokens.get(1).substring(0, tokens.get(1).length() - 2) + "xx");

        mvc.perform(saveGrid(tokens, "skip")).andExpect(status().isBadRequest());
        assertThat(price(1)).isEqualTo(10);
    }

    @Test
    void guardedActionRunsWhenNothingChanged() throws Exception {
        List<String> boxes = all(CHECKBOX, page());
        mvc.perform(post("/products/discontinue").param("_c4j_selected", boxes.get(0), boxes.get(2)))
                .andExpect(status().is3xxRedirection())
                .andExpect(flash().attribute("message", "2 products discontinued."));
        assertThat(price(1)).isZero();
        assertThat(price(2)).isEqualTo(20);
        assertThat(price(3)).isZero();
    }

    @Test
    void guardedActionIsRefusedAfterAConcurrentChangeAndDoesNothing() throws Exception {
        List<String> boxes = all(CHECKBOX, page());
        concurrency.table("product").update(3, 1L, Map.of("name", "damson"));

        mvc.perform(post("/products/discontinue").param("_c4j_selected", boxes.get(0), boxes.get(2))
                        .accept(MediaType.APPLICATION_JSON))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.staleKeys[0]").value(3));
        assertThat(price(1)).isEqualTo(10);
        assertThat(price(3)).isEqualTo(30);
    }

    @Test
    void selectAllAcrossPagesWarns() throws Exception {
        List<String> boxes = all(CHECKBOX, page());
        mvc.perform(post("/products/discontinue").param("_c4j_selected", boxes.get(0))
                        .param("_c4j_select_across", "true"))
                .andExpect(flash().attribute("message", org.hamcrest.Matchers.containsString("could not be checked")));
    }
}
