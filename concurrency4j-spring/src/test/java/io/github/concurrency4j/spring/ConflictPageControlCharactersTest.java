package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.spring.app.TestApplication;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The conflict page compares values, so nothing in them may hide: a stored "100" preceded by a right-to-left
 * override (U+202E) would display as "001", and a zero-width space makes two values look alike. Over real HTTP.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConflictPageControlCharactersTest extends OnProductServer {
    @Test
    void bidiAndZeroWidthCharactersAreShownAsMarkersInYoursStoredAndDiff() throws Exception {
        String token = WebTestSupport.token(http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/products/1/edit")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        concurrency.table("product").update(1, 1L, Map.of("name", "\u202E100"));

        HttpResponse<String> page = TokenPurposeHttpTest.send(http, port, "/products/1", List.of(
                Map.entry("_c4j_token", token), Map.entry("name", "100\u200B"),
                Map.entry("description", "red and round"), Map.entry("price", "10")), "text/html");

        assertThat(page.statusCode()).isEqualTo(409);
        String theirs = cell(page.body(), "theirs");
        String yours = cell(page.body(), "yours");
        String diff = cell(page.body(), "diff");
        assertThat(theirs).isEqualTo("&lt;U+202E&gt;100");
        assertThat(yours).isEqualTo("100&lt;U+200B&gt;");
        assertThat(diff).contains("&lt;U+202E&gt;", "&lt;U+200B&gt;");
        for (String shown : List.of(theirs, yours, diff)) {
            assertThat(shown).doesNotContain("\u202E", "\u200B");
        }
        // What is stored stays as it was; only its display is changed.
        assertThat(jdbc.queryForObject("SELECT name FROM product WHERE id = 1", String.class)).isEqualTo("\u202E100");
    }

    private static String cell(String html, String cssClass) {
        Matcher m = Pattern.compile("<td class=\"" + cssClass + "\">(.*?)</td>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as(cssClass + " cell in\n" + html).isTrue();
        return m.group(1);
    }
}
