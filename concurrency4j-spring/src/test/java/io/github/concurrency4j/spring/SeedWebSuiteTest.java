package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.spring.app.TestApplication;
import java.util.List;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * The seed's web-level scenarios (test_admin_edit, test_admin_actions, test_admin_list_editable, test_issues) that
 * no other web test already covers, ported to a Spring app built from docs/spring.md, on H2, PostgreSQL and
 * MariaDB. The mapping of every seed web scenario to its test is in docs/from-django.md.
 */
class SeedWebSuiteTest {

    @Nested
    @SpringBootTest(classes = TestApplication.class)
    @AutoConfigureMockMvc
    class H2 extends Cases {
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class)
    @AutoConfigureMockMvc
    class PostgreSQL extends Cases {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) throws Exception {
            WebTestSupport.onPostgresql(registry);
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class)
    @AutoConfigureMockMvc
    class MariaDB extends Cases {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) throws Exception {
            WebTestSupport.onMariadb(registry);
        }
    }

    abstract static class Cases extends OnProductPages {
        private String page(String url) throws Exception {
            return mvc.perform(get(url)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        }

        /** Seed: test_admin_edit.py::test_creation: the add form needs no version; the new row has one. */
        @Test
        void theAddFormCreatesARowWithAVersion() throws Exception {
            mvc.perform(post("/seed/products").param("id", "7").param("name", "CHAR").param("price", "5"))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", "Product 7 added."));
            assertThat(row(7)).containsEntry("NAME", "CHAR").containsEntry("VERSION", 1L);
        }

        /**
         * Seed: test_admin_edit.py::test_creation_with_customform: submitting the add form again is refused for the
         * duplicate ("... already exists") and for nothing else; the first row is untouched.
         */
        @Test
        void submittingTheAddFormTwiceIsRefusedForTheDuplicateAndKeepsTheFirstRow() throws Exception {
            MockHttpServletRequestBuilder add = post("/seed/products").param("id", "7").param("name", "first")
                    .param("price", "5").accept("text/html");
            mvc.perform(add).andExpect(status().is3xxRedirection());
            mvc.perform(post("/seed/products").param("id", "7").param("name", "second").param("price", "6")
                            .accept("text/html"))
                    .andExpect(status().isConflict())
                    .andExpect(content().string(Matchers.containsString("a value that must be unique is taken")))
                    .andExpect(content().string(Matchers.containsString("Nothing was saved.")));
            assertThat(row(7)).containsEntry("NAME", "first").containsEntry("VERSION", 1L);
        }

        /**
         * Seed: test_admin_edit.py::test_conflict as the seed writes it: the change form is opened, someone saves the
         * row without changing a field ({@code target.save()}: only the version moves on), then the form is
         * submitted. The seed re-renders the form with "Record Modified". Here the save is judged field by field
         * (docs/spring.md, "Auto-merge of disjoint edits"): submitted as shown, nothing is written and nothing is
         * lost; with an edit, no field was changed by both sides, so the edit is written over the current version
         * and reported as merged. {@code concurrency4j.web.auto-merge=false} gives the seed's answer (AutoMergeOffTest).
         */
        @Test
        void theSeedsConflictScenarioMergesWhenTheOtherSaveChangedNoField() throws Exception {
            String unchanged = WebTestSupport.token(page("/products/1/edit"));
            String edited = WebTestSupport.token(page("/products/1/edit"));
            long bare = concurrency.table("product").update(1, 1L, Map.of());

            mvc.perform(post("/products/1").param("_c4j_token", unchanged).param("name", "apple")
                            .param("description", "red and round").param("price", "10"))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", Matchers.containsString("Nothing")));
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", bare);

            mvc.perform(post("/products/1").param("_c4j_token", edited).param("name", "green apple")
                            .param("description", "red and round").param("price", "10"))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", Matchers.containsString("merged")));
            assertThat(row(1)).containsEntry("NAME", "green apple").containsEntry("PRICE", 10)
                    .containsEntry("VERSION", bare + 1);
        }

        /**
         * Seed: test_admin_edit.py::test_sanity_signer: a change form refused for a bad value in another field keeps
         * the version it was opened at; corrected and sent again with the same token, it saves.
         */
        @Test
        void aFormRefusedForABadValueKeepsItsVersionAndSavesOnceCorrected() throws Exception {
            String token = WebTestSupport.token(page("/products/1/edit"));

            mvc.perform(post("/seed/products/1").param("_c4j_token", token).param("name", "green apple")
                            .param("description", "red and round").param("price", "esss2010").accept("text/html"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().string(Matchers.containsString("price")));
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);

            mvc.perform(post("/seed/products/1").param("_c4j_token", token).param("name", "green apple")
                            .param("description", "red and round").param("price", "11"))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", "Saved."));
            assertThat(row(1)).containsEntry("NAME", "green apple").containsEntry("PRICE", 11)
                    .containsEntry("VERSION", 2L);
        }

        /**
         * Seed: test_issues.py::TestIssue16: a row refused in one grid save is not remembered as a conflict; the grid
         * reloaded and saved again saves it.
         */
        @Test
        void aGridRowRefusedOnceSavesAfterTheGridIsReloaded() throws Exception {
            List<String> stale = WebTestSupport.all(WebTestSupport.ROW_TOKEN, page("/products"));
            concurrency.table("product").update(1, 1L, Map.of("name", "SENTINEL"));

            mvc.perform(grid(stale, "CHAR")).andExpect(flash().attribute("message",
                    "Product 1 was changed by someone else and was not saved. 1 product saved."));
            assertThat(row(1)).containsEntry("NAME", "SENTINEL");

            List<String> fresh = WebTestSupport.all(WebTestSupport.ROW_TOKEN, page("/products"));
            mvc.perform(grid(fresh, "CHAR again")).andExpect(flash().attribute("message", "2 products saved."));
            assertThat(row(1)).containsEntry("NAME", "CHAR again").containsEntry("VERSION", 3L);
            assertThat(row(2)).containsEntry("NAME", "CHAR again");
        }

        private MockHttpServletRequestBuilder grid(List<String> tokens, String name) {
            MockHttpServletRequestBuilder b = post("/products/grid").param("_c4j_rows", tokens.toArray(String[]::new));
            for (long id = 1; id <= 2; id++) {
                b.param("name[" + id + "]", name).param("price[" + id + "]", String.valueOf(id * 10));
            }
            return b;
        }

        /** Seed: test_admin_actions.py::test_delete_allowed_if_no_updates: deleting unchanged selected rows deletes. */
        @Test
        void deletingSelectedRowsThatNobodyChangedDeletesThem() throws Exception {
            List<String> boxes = WebTestSupport.all(WebTestSupport.CHECKBOX, page("/products"));
            mvc.perform(post("/products/delete-selected").param("_c4j_selected", boxes.get(0)))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", "Deleted 1 product."));
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product WHERE id = 1", Integer.class)).isZero();
            assertThat(row(2)).containsEntry("NAME", "pear").containsEntry("VERSION", 1L);
        }

        /**
         * Seed: test_admin_actions.py::test_deleteaction: the confirmation page names the row, and confirming deletes
         * it (its token is good for that delete only).
         */
        @Test
        void theDeleteConfirmationPageNamesTheRowAndConfirmingDeletesIt() throws Exception {
            String confirm = page("/products/1/delete");
            assertThat(confirm).contains("Delete <span>apple</span>?");
            mvc.perform(post("/products/1/delete").param("_c4j_token", WebTestSupport.token(confirm)))
                    .andExpect(status().is3xxRedirection());
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product WHERE id = 1", Integer.class)).isZero();
            assertThat(row(2)).containsEntry("NAME", "pear");
        }
    }
}
