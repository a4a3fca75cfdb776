package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.web.ConflictAdvice;
import io.github.concurrency4j.spring.web.ETags;
import io.github.concurrency4j.spring.web.IfMatch;
import io.github.concurrency4j.spring.web.IfMatchArgumentResolver;
import io.github.concurrency4j.token.VersionTokens;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@link IfMatch} on an engine built with {@code readReplica}, the replica behind: the primary has row 1 at version
 * 2, the replica still at version 1 (two H2 databases, so the lag is certain). Where the resolver needs the row's
 * current version ({@code If-Match: *}, several tags, no {@code If-Match}) that version decides the request, so it
 * must be the primary's: the replica's would refuse a write the header allows, and answer a stale {@code ETag} that
 * fails the client's retry again.
 */
class IfMatchWithReplicaTest {
    private static final AtomicLong RUN = new AtomicLong();

    private JdbcTemplate primary;
    private MockMvc mvc;

    @RestController
    static class NotesController {
        private final Concurrency concurrency;

        NotesController(Concurrency concurrency) {
            this.concurrency = concurrency;
        }

        @PutMapping("/notes/{id}")
        ResponseEntity<Void> put(@PathVariable long id, @IfMatch(table = "note") Long version,
                                 @RequestBody String title) {
            long next = concurrency.table("note").update(id, version, Map.of("title", title));
            return ResponseEntity.noContent().eTag(ETags.of(next)).build();
        }
    }

    private static JdbcDataSource database(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    @BeforeEach
    void primaryAheadOfReplica() {
        long run = RUN.incrementAndGet();
        JdbcDataSource primaryDs = database("ifmatch_primary_" + run);
        JdbcDataSource replicaDs = database("ifmatch_replica_" + run);
        primary = new JdbcTemplate(primaryDs);
        JdbcTemplate replica = new JdbcTemplate(replicaDs);
        for (JdbcTemplate db : new JdbcTemplate[] {primary, replica}) {
            db.execute("CREATE TABLE note (id BIGINT PRIMARY KEY, title VARCHAR(40) NOT NULL, version BIGINT NOT NULL)");
        }
        primary.update("INSERT INTO note VALUES (1, 'saved by someone', 2)");
        replica.update("INSERT INTO note VALUES (1, 'first', 1)");
        Concurrency concurrency = Concurrency.builder(primaryDs).readReplica(replicaDs).table("note").build();
        mvc = MockMvcBuilders.standaloneSetup(new NotesController(concurrency))
                .setCustomArgumentResolvers(new IfMatchArgumentResolver(concurrency, false))
                .setControllerAdvice(new ConflictAdvice(VersionTokens.random(), "_c4j_token", false))
                .build();
    }

    private Map<String, Object> stored() {
        return primary.queryForMap("SELECT title, version FROM note WHERE id = 1");
    }

    @Test
    void ifMatchAnyWritesOverThePrimarysCurrentVersion() throws Exception {
        mvc.perform(put("/notes/1").header("If-Match", "*").content("mine"))
                .andExpect(status().isNoContent()).andExpect(header().string("ETag", "\"3\""));
        assertThat(stored()).containsEntry("TITLE", "mine").containsEntry("VERSION", 3L);
    }

    @Test
    void ifMatchNamingThePrimarysVersionAmongOthersWrites() throws Exception {
        mvc.perform(put("/notes/1").header("If-Match", "\"1\", \"2\"").content("mine"))
                .andExpect(status().isNoContent()).andExpect(header().string("ETag", "\"3\""));
        assertThat(stored()).containsEntry("TITLE", "mine").containsEntry("VERSION", 3L);
    }

    @Test
    void anUnconditionalWriteWritesOverThePrimarysCurrentVersion() throws Exception {
        mvc.perform(put("/notes/1").content("mine")).andExpect(status().isNoContent());
        assertThat(stored()).containsEntry("TITLE", "mine").containsEntry("VERSION", 3L);
    }

    @Test
    void ifMatchNamingNoCurrentVersionIsRefusedWithThePrimarysETag() throws Exception {
        mvc.perform(put("/notes/1").header("If-Match", "\"5\", \"6\"").content("mine"))
                .andExpect(status().isPreconditionFailed()).andExpect(header().string("ETag", "\"2\""));
        assertThat(stored()).containsEntry("TITLE", "saved by someone").containsEntry("VERSION", 2L);
    }
}
