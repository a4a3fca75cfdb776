package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.util.HtmlUtils;

/**
 * Cross-site request forgery, tried as an attacker would: a page served from another origin (a second HTTP server
 * on another port) that a user of the demo opens in the same browser. Its form posts to the demo on load. The demo
 * refuses every such post with 403 and no row changes; the version token in a forged grid post does not help the
 * attacker, because a token proves which version a form was based on, not who sent it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossOriginPostTest extends OnDemoServer {
    DemoTestData data;
    WebDriver victim;
    HttpServer attacker;
    /** Path on the attacker's server to the HTML it serves there. */
    final Map<String, String> attackerPages = new ConcurrentHashMap<>();

    @BeforeAll
    void start() throws IOException {
        victim = Browsers.open();
        attacker = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        attacker.createContext("/", exchange -> {
            byte[] page = attackerPages.getOrDefault(exchange.getRequestURI().getPath(), "not here")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        attacker.start();
    }

    @AfterAll
    void stop() {
        if (victim != null) {
            victim.quit();
        }
        if (attacker != null) {
            attacker.stop(0);
        }
    }

    @BeforeEach
    void freshData() {
        data = new DemoTestData(productRepository, jdbc);
    }

    @Test
    void forgedPostToTheOutsideWritePanelIs403AndTheRowIsUnchanged() {
        long s = data.supplier("Forgery target supplier");
        Map<String, Object> before = data.supplierRow(s);
        // The victim uses the demo: the browser holds a session (and with it a CSRF token) for the demo.
        demo("/outside");

        String status = forge("/outside", Map.of("statement", "SUPPLIER_CONTACT", "id", String.valueOf(s)));

        assertThat(status).isEqualTo("403 Forbidden");
        assertThat(data.supplierRow(s)).isEqualTo(before);
    }

    @Test
    void forgedGridSaveWithAValidRowTokenIs403AndTheRowIsUnchanged() {
        long p = data.product("Forgery target product", "10.00", 5);
        // The demo has no users: the attacker loads the list page like anyone and copies a valid row token.
        demo("/products");
        String token = victim.findElement(By.cssSelector("#row-" + p + " input[name=_c4j_rows]")).getAttribute("value");
        Map<String, Object> before = data.productRow(p);

        String status = forge("/products/grid", Map.of("_c4j_rows", token, "price[" + p + "]", "0.01",
                "stock[" + p + "]", "999"));

        assertThat(status).isEqualTo("403 Forbidden");
        assertThat(data.productRow(p)).isEqualTo(before).containsEntry("PRICE", new BigDecimal("10.00"));
    }

    /**
     * The REST API is exempt from CSRF tokens (docs/spring.md says why): its writes are PUT, PATCH and DELETE with
     * a JSON body and an If-Match header, none of which another origin can send without a CORS preflight, and the
     * demo allows no cross-origin requests. A script on the attacker's page tries anyway.
     */
    @Test
    void crossOriginScriptCannotWriteThroughTheRestApi() {
        long p = data.product("Forgery target API product", "10.00", 5);
        Map<String, Object> before = data.productRow(p);
        demo("/products");
        String api = "http://localhost:" + port + "/api/products/" + p;
        attackerPages.put("/api.html", "<!DOCTYPE html><html><body><p id=result>pending</p><script>"
                + "const out = document.getElementById('result');"
                + "function put(text) { out.id = 'done'; out.textContent = text; }"
                + "fetch('" + api + "', {method: 'PATCH', credentials: 'include',"
                + " headers: {'If-Match': '\"" + before.get("VERSION") + "\"',"
                + " 'Content-Type': 'application/json'}, body: '{\"price\": 0.01}'})"
                + ".then(r => put('answered ' + r.status), e => put('blocked ' + e));"
                + "</script></body></html>");
        victim.get(attackerUrl("/api.html"));
        new WebDriverWait(victim, Duration.ofSeconds(15))
                .until(d -> !d.findElements(By.id("done")).isEmpty());

        assertThat(victim.findElement(By.id("done")).getText()).startsWith("blocked");
        assertThat(data.productRow(p)).isEqualTo(before);
    }

    @Test
    void samePostWithoutTheCsrfTokenIs403SayingWhyAndNothingIsWritten() throws Exception {
        long s = data.supplier("Tokenless supplier");
        Map<String, Object> before = data.supplierRow(s);
        FormSession user = new FormSession("http://localhost:" + port);
        user.get("/outside");

        HttpResponse<String> refused = user.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/outside"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("statement=SUPPLIER_CONTACT&id=" + s)));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("CSRF token is missing or out of date").contains("Nothing was changed");
        assertThat(data.supplierRow(s)).isEqualTo(before);

        // The same post with the token of the page, as the browser sends it, runs.
        HttpResponse<String> ran = user.post("/outside", "statement=SUPPLIER_CONTACT&id=" + s);
        assertThat(ran.statusCode()).isEqualTo(302);
        assertThat(data.supplierRow(s)).containsEntry("CONTACT_NAME", "Night-shift DBA");
    }

    private void demo(String path) {
        victim.get("http://localhost:" + port + path);
    }

    private String attackerUrl(String path) {
        return "http://localhost:" + attacker.getAddress().getPort() + path;
    }

    /**
     * Opens the attacker's page, which posts the fields to the demo on load; returns the status the demo's answer
     * shows (its error page), or what was shown instead.
     */
    private String forge(String demoPath, Map<String, String> fields) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body><form id=f method=post action=\"")
                .append(HtmlUtils.htmlEscape("http://localhost:" + port + demoPath)).append("\">");
        fields.forEach((name, value) -> html.append("<input type=hidden name=\"").append(HtmlUtils.htmlEscape(name))
                .append("\" value=\"").append(HtmlUtils.htmlEscape(value)).append("\">"));
        html.append("</form><script>document.getElementById('f').submit();</script></body></html>");
        String attackerPath = "/forge" + demoPath.replace('/', '-') + ".html";
        attackerPages.put(attackerPath, html.toString());

        victim.get(attackerUrl(attackerPath));
        String demoOrigin = "http://localhost:" + port + "/";
        new WebDriverWait(victim, Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().startsWith(demoOrigin)
                && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        Browsers.screenshot(victim, "cross-origin" + demoPath.replace('/', '-'));
        return victim.findElements(By.cssSelector(".conflict-head .status")).stream().findFirst()
                .map(e -> e.getText()).orElse("no status shown at " + victim.getCurrentUrl());
    }
}
