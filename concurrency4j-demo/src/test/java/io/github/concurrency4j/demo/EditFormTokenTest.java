package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The edit form's version token, over real HTTP: rendered by the starter ({@code @concurrency4jForms.hidden}) when
 * the form is opened, and kept when the form is shown again after a validation error, so a save someone made in
 * between is still detected instead of being overwritten.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class EditFormTokenTest extends OnDemoServer {
    private static final String[] FIELDS = {"sku", "name", "description", "price", "stock"};

    private Storm.Client client() {
        return new Storm.Client(port, new AtomicInteger(), new AtomicInteger(), new AtomicLong());
    }

    @Test
    void aFormShownAgainAfterAnErrorKeepsItsTokenSoASaveMadeMeanwhileIsNotOverwritten() throws Exception {
        DemoTestData data = new DemoTestData(productRepository, jdbc);
        long id = data.product("Token mug", "5.00", 3);
        String path = "/products/" + id + "/edit";
        Storm.Client alice = client();
        Storm.Client bob = client();
        Map<String, String> aliceForm = HttpStormTest.form(alice.get(path), FIELDS);
        String opened = aliceForm.get("_c4j_token");

        Map<String, String> bobForm = HttpStormTest.form(bob.get(path), FIELDS);
        bobForm.put("price", "6.00");
        assertThat(bob.postForm(path, bobForm).statusCode()).as("Bob's save").isEqualTo(302);
        Object bobsVersion = data.productRow(id).get("VERSION");

        aliceForm.put("price", "-1");
        HttpResponse<String> invalid = alice.postForm(path, aliceForm);
        assertThat(invalid.statusCode()).isEqualTo(200);
        assertThat(invalid.body()).contains("Price must not be negative");
        assertThat(Storm.Html.value(invalid.body(), "_c4j_token")).as("the token the form was opened with")
                .isEqualTo(opened);

        // Alice corrects her price on the page shown again: the same field Bob saved, so a conflict, not a save.
        Map<String, String> corrected = HttpStormTest.form(invalid, FIELDS);
        corrected.put("price", "7.00");
        HttpResponse<String> refused = alice.postForm(path, corrected);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(data.productRow(id)).containsEntry("VERSION", bobsVersion);
        assertThat((BigDecimal) data.productRow(id).get("PRICE")).isEqualByComparingTo("6.00");
    }
}
