package io.github.concurrency4j.spring;

import static io.github.concurrency4j.spring.WebTestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.app.TestApplication;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Forms of a declared table through Spring's real dispatcher (MockMvc): tokens, conflicts, auto-merge, problem
 * documents; on H2, PostgreSQL and MariaDB (each server in a schema or database of its own).
 */
class FormConflictTest {

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
        private static final String HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

        VersionedTable products;

        @BeforeEach
        void productTable() {
            products = concurrency.table("product");
        }

        private String editPageToken(long id) throws Exception {
            return token(mvc.perform(get("/products/{id}/edit", id)).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString());
        }

        private MockHttpServletRequestBuilder save(long id, String token, String name, String description, int price) {
            MockHttpServletRequestBuilder b = post("/products/{id}", id).accept(HTML)
                    .param("name", name).param("description", description).param("price", String.valueOf(price));
            return token == null ? b : b.param("_c4j_token", token);
        }

        @Test
        void currentFormSavesAndBumpsTheVersion() throws Exception {
            String token = editPageToken(1);

            mvc.perform(save(1, token, "green apple", "red and round", 11))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", "Saved."));

            assertThat(row(1)).containsEntry("NAME", "green apple").containsEntry("PRICE", 11)
                    .containsEntry("VERSION", 2L);
        }

        @Test
        void missingTokenIsA400AndNothingIsWritten() throws Exception {
            mvc.perform(save(1, null, "hacked", "x", 1))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().string(org.hamcrest.Matchers.containsString("No version token")));
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
        }

        @Test
        void tamperedTokenIsA400AndNothingIsWritten() throws Exception {
            String token = editPageToken(1);
            // Change a character inside the signature, not its last one: the last Base64 character carries 2 unused
            // bits, so changing it can make the token non-canonical ("malformed") instead of forged.
            int at = token.length() - 5;
            String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

            mvc.perform(save(1, tampered, "hacked", "x", 1).accept(MediaType.APPLICATION_JSON))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.status").value(400))
                    .andExpect(jsonPath("$.reason").value("forged"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("signature is not valid")));
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
        }

        @Test
        void tokenReplayedOntoAnotherRecordIsA400AndNothingIsWritten() throws Exception {
            String tokenOfPear = editPageToken(2);

            mvc.perform(save(1, tokenOfPear, "hacked", "x", 1))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().string(org.hamcrest.Matchers.containsString("issued for another record")));
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
            assertThat(row(2)).containsEntry("NAME", "pear").containsEntry("VERSION", 1L);
        }

        @Test
        void malformedTokenIsA400() throws Exception {
            mvc.perform(save(1, "not-a-token", "hacked", "x", 1))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().string(org.hamcrest.Matchers.containsString("malformed")));
            assertThat(row(1)).containsEntry("VERSION", 1L);
        }

        @Test
        void disjointEditsAreMergedAndBothChangesStored() throws Exception {
            String alice = editPageToken(1);
            String bob = editPageToken(1);
            mvc.perform(save(1, alice, "apple", "red and round", 12)).andExpect(status().is3xxRedirection());

            mvc.perform(save(1, bob, "crisp apple", "red and round", 10))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", org.hamcrest.Matchers.allOf(
                            org.hamcrest.Matchers.containsString("merged"),
                            org.hamcrest.Matchers.containsString("price"),
                            org.hamcrest.Matchers.containsString("name"))));

            assertThat(row(1)).containsEntry("NAME", "crisp apple").containsEntry("PRICE", 12)
                    .containsEntry("VERSION", 3L);
        }

        @Test
        void bothSidesChangingAFieldToTheSameValueIsA409NotAMerge() throws Exception {
            // Two clerks see price 10 and each adds one: two increments, one stored value. Merging would lose one.
            String alice = editPageToken(1);
            String bob = editPageToken(1);
            mvc.perform(save(1, alice, "apple", "red and round", 11)).andExpect(status().is3xxRedirection());

            String page = mvc.perform(save(1, bob, "apple", "red and round", 11))
                    .andExpect(status().isConflict())
                    .andReturn().getResponse().getContentAsString();

            assertThat(page).contains("<tr class=\"overlapping\">");
            assertThat(row(1)).containsEntry("PRICE", 11).containsEntry("VERSION", 2L);
        }

        @Test
        void unchangedSubmissionWritesNothing() throws Exception {
            String token = editPageToken(1);

            mvc.perform(save(1, token, "apple", "red and round", 10))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", org.hamcrest.Matchers.containsString("Nothing")));

            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("VERSION", 1L);
        }

        @Test
        void blankSubmittedForANullOriginalIsNotWritten() throws Exception {
            jdbc.update("UPDATE product SET description = NULL WHERE id = 1");
            String token = editPageToken(1);

            mvc.perform(save(1, token, "green apple", "", 10)).andExpect(status().is3xxRedirection());

            assertThat(row(1)).containsEntry("NAME", "green apple").containsEntry("DESCRIPTION", null)
                    .containsEntry("VERSION", 2L);
        }

        @Test
        void blankSubmittedForANullOriginalKeepsAValueSavedMeanwhile() throws Exception {
            jdbc.update("UPDATE product SET description = NULL WHERE id = 1");
            String bob = editPageToken(1);
            products.update(1, 1L, Map.of("description", "saved by alice"));

            mvc.perform(save(1, bob, "green apple", "", 10))
                    .andExpect(status().is3xxRedirection())
                    .andExpect(flash().attribute("message", org.hamcrest.Matchers.containsString("merged")));

            assertThat(row(1)).containsEntry("NAME", "green apple").containsEntry("DESCRIPTION", "saved by alice")
                    .containsEntry("VERSION", 3L);
        }

        @Test
        void editsOfTheSameFieldAreA409PageMarkingTheOverlapWithADiff() throws Exception {
            String alice = editPageToken(1);
            String bob = editPageToken(1);
            mvc.perform(save(1, alice, "apple", "red and round, sweet", 10)).andExpect(status().is3xxRedirection());

            String page = mvc.perform(save(1, bob, "apple", "red and round, sour", 11)
                            .header("Referer", "http://localhost/products/1/edit"))
                    .andExpect(status().isConflict())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                    .andReturn().getResponse().getContentAsString();

            assertThat(page).contains("This record was changed by someone else")
                    .contains("<tr class=\"overlapping\">")
                    .contains("<del class=\"removed\">sweet</del>", "<ins class=\"added\">sour</ins>")
                    .contains("Re-apply my changes to the current version")
                    .contains("href=\"/products/1/edit\"");
            assertThat(row(1)).containsEntry("DESCRIPTION", "red and round, sweet").containsEntry("PRICE", 10)
                    .containsEntry("VERSION", 2L);
        }

        @Test
        void reapplyingFromTheConflictPageSavesOverTheCurrentVersion() throws Exception {
            String alice = editPageToken(1);
            String bob = editPageToken(1);
            mvc.perform(save(1, alice, "apple", "sweet", 10)).andExpect(status().is3xxRedirection());
            String page = mvc.perform(save(1, bob, "apple", "sour", 10)).andExpect(status().isConflict())
                    .andReturn().getResponse().getContentAsString();

            String fresh = token(page.substring(page.indexOf("<form")));
            mvc.perform(save(1, fresh, "apple", "sour", 10)).andExpect(status().is3xxRedirection());

            assertThat(row(1)).containsEntry("DESCRIPTION", "sour").containsEntry("VERSION", 3L);
        }

        @Test
        void conflictPageEscapesValuesAndRevealsNoFieldTheFormDidNotShow() throws Exception {
            String bob = editPageToken(1);
            products.update(1, 1L, Map.of("name", "<script>alert('x')</script>", "cost", 987654));

            String page = mvc.perform(save(1, bob, "apple <b>bold</b>", "red and round", 10))
                    .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();

            assertThat(page).doesNotContain("<script>alert").doesNotContain("<b>bold</b>")
                    .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "apple &lt;b&gt;bold&lt;/b&gt;")
                    .doesNotContain("987654").doesNotContain("cost");
        }

        @Test
        void apiClientsGetAProblemDocument() throws Exception {
            String bob = editPageToken(1);
            products.update(1, 1L, Map.of("name", "golden apple", "cost", 987654));

            String body = mvc.perform(save(1, bob, "crab apple", "red and round", 10).accept(MediaType.APPLICATION_JSON))
                    .andExpect(status().isConflict())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(header().string("ETag", "\"2\""))
                    .andExpect(jsonPath("$.status").value(409))
                    .andExpect(jsonPath("$.title").value("Record modified"))
                    .andExpect(jsonPath("$.type").value("urn:concurrency4j:problem:record-modified"))
                    .andExpect(jsonPath("$.instance").value("/products/1"))
                    .andExpect(jsonPath("$.expectedVersion").value(1))
                    .andExpect(jsonPath("$.currentVersion").value(2))
                    .andExpect(jsonPath("$.conflictingFields[0]").value("name"))
                    .andExpect(jsonPath("$.currentValues.name").value("golden apple"))
                    .andReturn().getResponse().getContentAsString();
            assertThat(body).doesNotContain("987654").doesNotContain("cost");
        }

        @Test
        void autoMergeCanBeSwitchedOffPerFormVersion() throws Exception {
            // The bare-version endpoint writes without FormVersion.update: a disjoint edit still conflicts.
            String bob = editPageToken(1);
            products.update(1, 1L, Map.of("price", 99));

            mvc.perform(post("/products/1/plain").accept(HTML).param("_c4j_token", bob).param("name", "crab apple"))
                    .andExpect(status().isConflict());
            assertThat(row(1)).containsEntry("NAME", "apple").containsEntry("PRICE", 99);
        }

        @Test
        void deletedRowIsA409WithoutReapply() throws Exception {
            String bob = editPageToken(2);
            products.delete(2, 1L);

            String page = mvc.perform(save(2, bob, "pear", "green and ripe", 20)).andExpect(status().isConflict())
                    .andReturn().getResponse().getContentAsString();
            assertThat(page).contains("deleted").doesNotContain("Re-apply my changes");
        }

        @Test
        void discardLinkNeverLeadsToAnotherHost() throws Exception {
            String bob = editPageToken(1);
            products.update(1, 1L, Map.of("name", "golden apple"));

            for (String referer : new String[] {"http://evil.example/products/1/edit", "http://localhost//evil.example/x"}) {
                String page = mvc.perform(save(1, bob, "crab apple", "red and round", 10).header("Referer", referer))
                        .andExpect(status().isConflict()).andReturn().getResponse().getContentAsString();
                assertThat(page).as(referer).contains("href=\"/products/1\"").doesNotContain("evil.example");
            }
        }
    }
}
