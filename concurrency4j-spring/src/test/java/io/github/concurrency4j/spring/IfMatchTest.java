package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.spring.app.TestApplication;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;

/** ETag on reads, If-Match on writes (RFC 9110): 412 on mismatch, 428 when required, {@code *} for "exists". */
class IfMatchTest {

    abstract static class Base {
        @Autowired
        MockMvc mvc;
        @Autowired
        JdbcTemplate jdbc;

        @BeforeEach
        void rows() {
            WebTestSupport.resetProducts(jdbc);
        }

        Map<String, Object> row(long id) {
            return jdbc.queryForMap("SELECT name, price, version FROM product WHERE id = ?", id);
        }
    }

    @Nested
    @SpringBootTest(classes = TestApplication.class, properties = "concurrency4j.web.require-if-match=false")
    @AutoConfigureMockMvc
    class Optional extends Base {

        @Test
        void readsCarryAStrongETagFromTheVersion() throws Exception {
            mvc.perform(get("/api/products/1"))
                    .andExpect(status().isOk())
                    .andExpect(header().string("ETag", "\"1\""))
                    .andExpect(jsonPath("$.name").value("apple"));
            mvc.perform(get("/api/products/1").header("If-None-Match", "\"1\""))
                    .andExpect(status().isNotModified());
        }

        @Test
        void matchingIfMatchWritesAndAnswersTheNewETag() throws Exception {
            mvc.perform(put("/api/products/1").header("If-Match", "\"1\"")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isNoContent())
                    .andExpect(header().string("ETag", "\"2\""));
            assertThat(row(1)).containsEntry("PRICE", 15).containsEntry("VERSION", 2L);
        }

        @Test
        void staleIfMatchIsA412ProblemAndNothingIsWritten() throws Exception {
            jdbc.update("UPDATE product SET price = 30, version = 2 WHERE id = 1");

            mvc.perform(put("/api/products/1").header("If-Match", "\"1\"")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isPreconditionFailed())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(header().string("ETag", "\"2\""))
                    .andExpect(jsonPath("$.status").value(412))
                    .andExpect(jsonPath("$.currentVersion").value(2))
                    .andExpect(jsonPath("$.conflictingFields[0]").value("price"));
            assertThat(row(1)).containsEntry("PRICE", 30).containsEntry("VERSION", 2L);
        }

        @Test
        void weakTagsNeverMatch() throws Exception {
            mvc.perform(put("/api/products/1").header("If-Match", "W/\"1\"")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isPreconditionFailed());
            assertThat(row(1)).containsEntry("VERSION", 1L);
        }

        @Test
        void anyOfSeveralTagsMayMatch() throws Exception {
            mvc.perform(put("/api/products/1").header("If-Match", "\"7\", \"1\"")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isNoContent());
            mvc.perform(put("/api/products/1").header("If-Match", "\"7\", \"8\"")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 16}"))
                    .andExpect(status().isPreconditionFailed())
                    .andExpect(header().string("ETag", "\"2\""));
            assertThat(row(1)).containsEntry("PRICE", 15);
        }

        @Test
        void starMatchesAnyExistingVersionAndFailsForAMissingRow() throws Exception {
            jdbc.update("UPDATE product SET version = 5 WHERE id = 1");
            mvc.perform(put("/api/products/1").header("If-Match", "*")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isNoContent())
                    .andExpect(header().string("ETag", "\"6\""));
            mvc.perform(put("/api/products/99").header("If-Match", "*")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isPreconditionFailed())
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("does not exist")));
        }

        @Test
        void withoutIfMatchTheWriteIsUnconditionalWhenNotRequired() throws Exception {
            jdbc.update("UPDATE product SET version = 5 WHERE id = 1");
            mvc.perform(put("/api/products/1").contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isNoContent());
            assertThat(row(1)).containsEntry("PRICE", 15).containsEntry("VERSION", 6L);
        }

        @Test
        void conditionalDeleteRefusesAStaleTag() throws Exception {
            jdbc.update("UPDATE product SET version = 2 WHERE id = 2");
            mvc.perform(delete("/api/products/2").header("If-Match", "\"1\""))
                    .andExpect(status().isPreconditionFailed());
            mvc.perform(delete("/api/products/2").header("If-Match", "\"2\""))
                    .andExpect(status().isNoContent());
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM product WHERE id = 2", Integer.class)).isZero();
        }
    }

    /** The default: a REST write names the version it is based on, as versionRequired does in the core. */
    @Nested
    @SpringBootTest(classes = TestApplication.class)
    @AutoConfigureMockMvc
    class Required extends Base {

        @Test
        void writeWithoutIfMatchIsA428AndNothingIsWritten() throws Exception {
            mvc.perform(put("/api/products/1").contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isPreconditionRequired())
                    .andExpect(content().contentType("application/problem+json"))
                    .andExpect(jsonPath("$.status").value(428))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("If-Match")));
            assertThat(row(1)).containsEntry("PRICE", 10).containsEntry("VERSION", 1L);
        }

        @Test
        void writeWithIfMatchStillWorks() throws Exception {
            mvc.perform(put("/api/products/1").header("If-Match", "\"1\"")
                            .contentType(MediaType.APPLICATION_JSON).content("{\"price\": 15}"))
                    .andExpect(status().isNoContent());
        }
    }
}
