package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.app.TestApplication;
import io.github.concurrency4j.spring.web.RowVersions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;

/** What bulk writes say to the user: singular and plural, deletions, no "0 saved", and a way back that works. */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureMockMvc
class BulkMessagesTest extends OnProductPages {
    private static final Pattern DISCARD = Pattern.compile("class=\"discard\" href=\"([^\"]+)\"");

    @BeforeEach
    void plum() {
        jdbc.update("INSERT INTO product (id, name, description, price, cost, version) VALUES (3, 'plum', '', 30, 1, 1)");
    }

    private String page() throws Exception {
        return mvc.perform(get("/products")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    }

    @Test
    void reportCountsInTheRightNumberAndNamesDeletionsAsSuch() {
        Row two = concurrency.table("product").find(2).orElseThrow();
        RecordModifiedException changed = new RecordModifiedException("product", 2L, 1, two, Map.of(), "update");
        RecordModifiedException gone = new RecordModifiedException("product", 9L, 1, null, Map.of(), "update");

        assertThat(RowVersions.report(new BulkResult("product", List.of(Identity.of(1L, 2)), List.of()),
                "product", "products")).isEqualTo("1 product saved.");
        assertThat(RowVersions.report(new BulkResult("product", List.of(Identity.of(1L, 2), Identity.of(3L, 2)),
                List.of()), "product", "products")).isEqualTo("2 products saved.");
        assertThat(RowVersions.report(new BulkResult("product", List.of(), List.of()), "product", "products"))
                .isEqualTo("No products saved.");
        assertThat(RowVersions.report(new BulkResult("product", List.of(), List.of(changed)), "product", "products"))
                .isEqualTo("Product 2 was changed by someone else and was not saved.");
        assertThat(RowVersions.report(new BulkResult("product", List.of(Identity.of(1L, 2)), List.of(changed, gone)),
                "product", "products")).isEqualTo("Product 2 was changed by someone else and was not saved. "
                + "Product 9 was deleted by someone else. 1 product saved.");
    }

    @Test
    void aGridWhoseRowsAllChangedSaysSoWithoutAZeroCount() throws Exception {
        List<String> tokens = WebTestSupport.all(WebTestSupport.ROW_TOKEN, page());
        concurrency.table("product").update(1, 1L, Map.of("price", 97));
        concurrency.table("product").update(2, 1L, Map.of("price", 98));
        concurrency.table("product").update(3, 1L, Map.of("price", 99));

        var b = post("/products/grid").param("_c4j_rows", tokens.toArray(String[]::new));
        for (int id = 1; id <= 3; id++) {
            b.param("name[" + id + "]", "x" + id).param("price[" + id + "]", "1");
        }
        mvc.perform(b).andExpect(status().is3xxRedirection()).andExpect(flash().attribute("message",
                "Products 1, 2, 3 were changed by someone else and were not saved."));
        assertThat(jdbc.queryForList("SELECT price FROM product ORDER BY id", Integer.class)).containsExactly(97, 98, 99);
    }

    @Test
    void aRefusedBulkDeletePageSaysWhatHappenedAndLinksToAPageThatAnswers() throws Exception {
        List<String> boxes = WebTestSupport.all(WebTestSupport.CHECKBOX, page());
        concurrency.table("product").update(2, 1L, Map.of("name", "Pear"));
        concurrency.table("product").update(3, 1L, Map.of("name", "damson"));

        String html = mvc.perform(post("/products/delete-selected").param("_c4j_selected", boxes.toArray(String[]::new))
                        .accept(MediaType.TEXT_HTML))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();

        assertThat(html).contains("These records were changed by someone else")
                .contains("Records 2, 3 were changed by someone else since you saw them. Nothing was deleted: "
                        + "reload the page and try again.")
                .doesNotContain("This record was changed");
        List<String> back = WebTestSupport.all(DISCARD, html);
        assertThat(back).containsExactly("/products");
        mvc.perform(get(back.get(0))).andExpect(status().isOk());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product", Integer.class)).isEqualTo(3);
    }

    @Test
    void aRefusedActionOnADeletedRowSaysItWasDeleted() throws Exception {
        List<String> boxes = WebTestSupport.all(WebTestSupport.CHECKBOX, page());
        concurrency.table("product").delete(3, 1L);

        String html = mvc.perform(post("/products/discontinue").param("_c4j_selected", boxes.get(0), boxes.get(2))
                        .header("Referer", "http://localhost/products?page=2").accept(MediaType.TEXT_HTML))
                .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();

        assertThat(html).contains("This record was deleted by someone else")
                .contains("Record 3 was deleted by someone else. The action was not carried out");
        assertThat(WebTestSupport.all(DISCARD, html)).containsExactly("/products?page=2");
        assertThat(jdbc.queryForObject("SELECT price FROM product WHERE id = 1", Integer.class)).isEqualTo(10);
    }
}
