package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Attack (issue 14): an edit form posted to the real demo server with a field or the version token given twice,
 * with different values, as a hand-made request or a broken template can. Which of the two the server takes is
 * nobody's promise: the save must be refused with an error that says so, and nothing written. Before the fix the
 * first value won in silence: {@code price=7.00&price=999.00} saved 7.00 and said "Saved", and with two tokens the
 * outcome (saved, or a 409) depended on their order. The same value twice (a template that renders the hidden field
 * twice) stays harmless.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class DuplicatedFormFieldsAttackTest extends OnDemoServer {
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String body(Map<String, String> form, String... extra) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        for (int i = 0; i < extra.length; i += 2) {
            b.append('&').append(enc(extra[i])).append('=').append(enc(extra[i + 1]));
        }
        return b.toString();
    }

    @Test
    void aFieldGivenTwiceWithTwoValuesIsRefusedAndNothingIsWritten() throws Exception {
        DemoTestData data = new DemoTestData(productRepository, jdbc);
        long id = data.product("Twice mug", "5.00", 3);
        String path = "/products/" + id + "/edit";
        FormSession user = new FormSession("http://localhost:" + port);
        Map<String, String> form = HttpStormTest.form(user.get(path), "sku", "name", "description", "stock");
        Object version = data.productRow(id).get("VERSION");

        for (String[] prices : new String[][] {{"7.00", "999.00"}, {"999.00", "7.00"}}) {
            form.put("price", prices[0]);
            HttpResponse<String> save = user.post(path, body(form, "price", prices[1]));

            assertThat(save.statusCode()).as("refused, not saved (" + prices[0] + " then " + prices[1] + ")")
                    .isNotEqualTo(302).isLessThan(500);
            assertThat(save.body()).contains("Price").contains("more than once");
            assertThat(data.productRow(id)).containsEntry("VERSION", version);
            assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("5.00");
        }

        // The same value twice is no contradiction: saved as given.
        form.put("price", "6.50");
        HttpResponse<String> same = user.post(path, body(form, "price", "6.50"));
        assertThat(same.statusCode()).isEqualTo(302);
        assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("6.50");
    }

    @Test
    void twoDifferentVersionTokensAreA400WhateverTheirOrderAndNothingIsWritten() throws Exception {
        DemoTestData data = new DemoTestData(productRepository, jdbc);
        long id = data.product("Two tokens mug", "5.00", 3);
        String path = "/products/" + id + "/edit";
        FormSession user = new FormSession("http://localhost:" + port);
        Map<String, String> old = HttpStormTest.form(user.get(path), "sku", "name", "description", "price", "stock");
        // Someone saves: the page opened now carries a token of the next version.
        jdbc.update("UPDATE product SET stock = 4, version = version + 1 WHERE id = ?", id);
        Map<String, String> fresh = HttpStormTest.form(user.get(path), "sku", "name", "description", "price", "stock");
        String oldToken = old.get("_c4j_token");
        String freshToken = fresh.get("_c4j_token");
        assertThat(oldToken).isNotEqualTo(freshToken);
        Object version = data.productRow(id).get("VERSION");

        for (String[] tokens : new String[][] {{freshToken, oldToken}, {oldToken, freshToken}}) {
            fresh.put("_c4j_token", tokens[0]);
            fresh.put("price", "8.00");
            HttpResponse<String> save = user.post(path, body(fresh, "_c4j_token", tokens[1]));

            assertThat(save.statusCode()).isEqualTo(400);
            assertThat(save.body()).contains("more than once");
            assertThat(data.productRow(id)).containsEntry("VERSION", version);
            assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("5.00");
        }

        // The same token twice is no contradiction: saved.
        fresh.put("_c4j_token", freshToken);
        HttpResponse<String> same = user.post(path, body(fresh, "_c4j_token", freshToken));
        assertThat(same.statusCode()).isEqualTo(302);
        assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("8.00");
    }
}
