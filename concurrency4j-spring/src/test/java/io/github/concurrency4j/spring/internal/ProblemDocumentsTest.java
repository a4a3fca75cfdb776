package io.github.concurrency4j.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Problem documents are Spring ProblemDetails written by Jackson: numbers stay numbers, markup is escaped. */
class ProblemDocumentsTest {

    @Test
    void valuesKeepTheirJsonTypesAndMarkupIsEscaped() throws Exception {
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("weight", 2.5d);
        current.put("price", new BigDecimal("10.50"));
        current.put("stock", 7L);
        current.put("title", "<img src=x onerror=alert(1)> & co");
        current.put("since", LocalDate.of(2024, 5, 31));
        current.put("ratio", Double.POSITIVE_INFINITY);
        String json = ProblemDocuments.json(ProblemDocuments.of(HttpStatus.CONFLICT,
                URI.create("urn:concurrency4j:problem:record-modified"), "Record modified", "detail", "/things/1",
                Map.of("currentValues", current, "conflictingFields", List.of("title"))));

        JsonNode doc = new ObjectMapper().readTree(json);
        assertThat(doc.path("status").asInt()).isEqualTo(409);
        assertThat(doc.path("type").asText()).isEqualTo("urn:concurrency4j:problem:record-modified");
        assertThat(doc.path("instance").asText()).isEqualTo("/things/1");
        JsonNode values = doc.path("currentValues");
        assertThat(values.path("weight").isNumber()).as(json).isTrue();
        assertThat(values.path("weight").asDouble()).isEqualTo(2.5d);
        assertThat(values.path("price").decimalValue()).isEqualByComparingTo("10.50");
        assertThat(values.path("stock").isIntegralNumber()).isTrue();
        assertThat(values.path("title").asText()).isEqualTo("<img src=x onerror=alert(1)> & co");
        assertThat(values.path("since").asText()).isEqualTo("2024-05-31");
        assertThat(values.path("ratio").asText()).isEqualTo("Infinity");
        assertThat(json).doesNotContain("<", ">", "&").contains("\\u003cimg");
    }
}
