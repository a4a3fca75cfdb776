package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WrapsDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Two people, two real browsers (headless Chromium), one running demo: the scenarios of the README, clicked
 * through. Screenshots of the key pages land in target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest extends OnDemoServer {
    DemoTestData data;
    WebDriver alice;
    WebDriver bob;

    @BeforeAll
    void openBrowsers() {
        alice = Browsers.open();
        bob = Browsers.open();
    }

    @AfterAll
    void closeBrowsers() {
        if (alice != null) {
            alice.quit();
        }
        if (bob != null) {
            bob.quit();
        }
    }

    @BeforeEach
    void freshData() {
        data = new DemoTestData(productRepository, jdbc);
    }

    @Test
    void secondSaveOfTheSameFieldGetsTheConflictPageWithTheDiff() {
        long id = data.product("Birch stool", "20.00", 5);
        open(alice, "/products/" + id + "/edit");
        open(bob, "/products/" + id + "/edit");
        Browsers.screenshot(bob, "edit-form");

        type(alice, "price", "21.00");
        save(alice);
        assertThat(message(alice, "success")).contains("Saved Birch stool: now at version");

        type(bob, "price", "19.50");
        save(bob);
        assertThat(bob.findElement(By.tagName("h1")).getText()).contains("someone else changed this product first");
        WebElement price = bob.findElement(By.cssSelector("tr[data-field=price]"));
        assertThat(price.getAttribute("class")).contains("overlap");
        assertThat(price.findElement(By.cssSelector("td.yours")).getText()).isEqualTo("19.50");
        assertThat(price.findElement(By.cssSelector("td.theirs")).getText()).isEqualTo("21.00");
        assertThat(price.findElements(By.cssSelector("td.delta del"))).isNotEmpty();
        assertThat(price.findElements(By.cssSelector("td.delta ins"))).isNotEmpty();
        Browsers.screenshot(bob, "conflict");
        assertThat(data.productRow(id).get("PRICE")).isEqualTo(new BigDecimal("21.00"));

        // Bob has seen Alice's price and decides his own wins: re-applied on top of the current version.
        submit(bob.findElement(By.id("reapply")));
        assertThat(message(bob, "success")).contains("Saved Birch stool");
        assertThat(data.productRow(id).get("PRICE")).isEqualTo(new BigDecimal("19.50"));
    }

    @Test
    void disjointEditsAreMergedAndBothChangesKept() {
        long id = data.product("Merge lamp", "30.00", 3);
        long created = (Long) data.productRow(id).get("VERSION");
        open(alice, "/products/" + id + "/edit");
        open(bob, "/products/" + id + "/edit");

        type(alice, "price", "35.00");
        save(alice);
        type(bob, "name", "Merge lamp XL");
        save(bob);

        assertThat(message(bob, "merged")).contains("Auto-merged").contains("changed Price")
                .contains("your change to Name was applied");
        Browsers.screenshot(bob, "auto-merged");
        Map<String, Object> row = data.productRow(id);
        assertThat(row.get("NAME")).isEqualTo("Merge lamp XL");
        assertThat(row.get("PRICE")).isEqualTo(new BigDecimal("35.00"));
        assertThat(row.get("VERSION")).as("one version per save").isEqualTo(created + 2);
    }

    @Test
    void gridSaveKeepsTheStaleRowAndSavesTheOthers() {
        long a = data.product("Grid A", "1.00", 1);
        long b = data.product("Grid B", "1.00", 1);
        long c = data.product("Grid C", "1.00", 1);
        open(alice, "/products");

        open(bob, "/products/" + b + "/edit");
        type(bob, "price", "2.50");
        save(bob);

        type(alice, cell("stock", a), "11");
        type(alice, cell("stock", b), "12");
        type(alice, cell("stock", c), "13");
        submit(alice.findElement(By.id("save-grid")));

        assertThat(message(alice, "warning"))
                .contains("Product " + b + " was changed by someone else and was not saved")
                .contains("2 products saved");
        assertThat(staleRows(alice)).containsExactly("row-" + b);
        Browsers.screenshot(alice, "grid-one-stale");
        assertThat(data.productRow(a).get("STOCK")).isEqualTo(11);
        assertThat(data.productRow(c).get("STOCK")).isEqualTo(13);
        assertThat(data.productRow(b)).containsEntry("STOCK", 1).containsEntry("PRICE", new BigDecimal("2.50"));
    }

    /**
     * Both users have the grid open. Alice saves rows 1 and 2; Bob, whose page still shows the versions from before,
     * saves rows 1, 2 and 3: his row 3 is saved, rows 1 and 2 are named as stale, and the table holds Alice's values
     * for 1 and 2 and Bob's for 3. Untouched cells shown as "1.00" are no change, so nobody's price is rewritten.
     */
    @Test
    void twoUsersSaveOverlappingGridRowsAndTheSecondIsToldWhichRowsWereStale() {
        long r1 = data.product("Overlap 1", "1.00", 1);
        long r2 = data.product("Overlap 2", "1.00", 1);
        long r3 = data.product("Overlap 3", "1.00", 1);
        long v3 = (Long) data.productRow(r3).get("VERSION");
        open(alice, "/products");
        open(bob, "/products");

        type(alice, cell("stock", r1), "21");
        type(alice, cell("price", r2), "22.00");
        submit(alice.findElement(By.id("save-grid")));
        assertThat(message(alice, "success")).isEqualTo("2 products saved.");

        type(bob, cell("stock", r1), "31");
        type(bob, cell("stock", r2), "32");
        type(bob, cell("stock", r3), "33");
        submit(bob.findElement(By.id("save-grid")));

        assertThat(message(bob, "warning"))
                .contains("Products " + r1 + ", " + r2 + " were changed by someone else and were not saved")
                .contains("1 product saved");
        assertThat(staleRows(bob)).containsExactly("row-" + r1, "row-" + r2);
        // The refreshed grid shows Alice's values in the stale rows, for Bob to redo his edit on.
        assertThat(bob.findElement(By.name(cell("stock", r1))).getAttribute("value")).isEqualTo("21");
        assertThat(bob.findElement(By.name(cell("price", r2))).getAttribute("value")).isEqualTo("22.00");
        Browsers.screenshot(bob, "grid-two-users");

        assertThat(data.productRow(r1)).containsEntry("STOCK", 21).containsEntry("PRICE", new BigDecimal("1.00"));
        assertThat(data.productRow(r2)).containsEntry("STOCK", 1).containsEntry("PRICE", new BigDecimal("22.00"));
        assertThat(data.productRow(r3)).containsEntry("STOCK", 33).containsEntry("PRICE", new BigDecimal("1.00"))
                .containsEntry("VERSION", v3 + 1);
    }

    @Test
    void bulkDeleteIsRefusedWhenASelectedRowChangedMeanwhile() {
        long x = data.product("Bulk X", "5.00", 5);
        long y = data.product("Bulk Y", "5.00", 5);
        open(alice, "/products");
        select(alice, x);
        select(alice, y);

        open(bob, "/products/" + y + "/edit");
        type(bob, "stock", "6");
        save(bob);

        submit(alice.findElement(By.id("delete-selected")));
        assertThat(message(alice, "error")).contains("Nothing was deleted")
                .contains("Bulk Y (#" + y + ") was changed by someone else");
        Browsers.screenshot(alice, "bulk-delete-refused");
        assertThat(data.productExists(x)).isTrue();
        assertThat(data.productExists(y)).isTrue();

        // The refreshed page shows the current versions: now the delete goes through.
        select(alice, x);
        select(alice, y);
        submit(alice.findElement(By.id("delete-selected")));
        assertThat(message(alice, "success")).contains("Deleted 2 products");
        assertThat(data.productExists(x)).isFalse();
        assertThat(data.productExists(y)).isFalse();
    }

    @Test
    void bulkDeleteIsRefusedWhenAnotherUserSavedASelectedRowThroughTheGrid() {
        long x = data.product("Grid bulk X", "5.00", 5);
        long y = data.product("Grid bulk Y", "5.00", 5);
        long z = data.product("Grid bulk Z", "5.00", 5);
        open(alice, "/products");
        open(bob, "/products");
        select(alice, x);
        select(alice, y);
        select(alice, z);

        type(bob, cell("price", z), "4.50");
        submit(bob.findElement(By.id("save-grid")));
        assertThat(message(bob, "success")).isEqualTo("1 product saved.");

        submit(alice.findElement(By.id("delete-selected")));
        assertThat(message(alice, "error")).contains("Nothing was deleted")
                .contains("Grid bulk Z (#" + z + ") was changed by someone else");
        assertThat(data.productExists(x)).isTrue();
        assertThat(data.productExists(y)).isTrue();
        assertThat(data.productRow(z)).containsEntry("PRICE", new BigDecimal("4.50"));
    }

    @Test
    void discountOnTheSelectionRunsOnlyWhenNoSelectedRowChanged() {
        long x = data.product("Discount X", "10.00", 5);
        long y = data.product("Discount Y", "20.00", 5);
        open(alice, "/products");
        select(alice, x);
        select(alice, y);
        open(bob, "/products");
        type(bob, cell("stock", y), "6");
        submit(bob.findElement(By.id("save-grid")));

        submit(alice.findElement(By.id("bulk-discount")));
        assertThat(message(alice, "error")).contains("Nothing was changed")
                .contains("Discount Y (#" + y + ") was changed by someone else");
        assertThat(data.productRow(x)).containsEntry("PRICE", new BigDecimal("10.00"));
        assertThat(data.productRow(y)).containsEntry("PRICE", new BigDecimal("20.00")).containsEntry("STOCK", 6);

        select(alice, x);
        select(alice, y);
        submit(alice.findElement(By.id("bulk-discount")));
        assertThat(message(alice, "success")).contains("Applied a 10% discount to 2 products");
        assertThat(data.productRow(x)).containsEntry("PRICE", new BigDecimal("9.00"));
        assertThat(data.productRow(y)).containsEntry("PRICE", new BigDecimal("18.00"));
    }

    @Test
    void outsideWriteCaughtByTheTriggerStopsAStaleEdit() {
        long s = data.supplier("Outside Supplies Ltd");
        open(alice, "/suppliers/" + s + "/edit");

        open(bob, "/outside");
        WebElement statement = bob.findElement(By.id("statement-SUPPLIER_CONTACT"));
        new Select(statement.findElement(By.name("id"))).selectByValue(String.valueOf(s));
        submit(statement.findElement(By.cssSelector("button")));
        assertThat(message(bob, "success")).contains("supplier #" + s + " went from version 1 to 2");
        Browsers.screenshot(bob, "outside-write");

        type(alice, "contact_name", "Alice's favourite buyer");
        save(alice);
        assertThat(alice.findElement(By.tagName("h1")).getText())
                .contains("someone else changed this supplier first");
        WebElement contact = alice.findElement(By.cssSelector("tr[data-field=contact_name]"));
        assertThat(contact.getAttribute("class")).contains("overlap");
        assertThat(contact.findElement(By.cssSelector("td.theirs")).getText()).isEqualTo("Night-shift DBA");
        Browsers.screenshot(alice, "conflict-after-outside-write");
        assertThat(data.supplierRow(s).get("CONTACT_NAME")).isEqualTo("Night-shift DBA");
    }

    @Test
    void tamperedTokenGetsTheBadRequestPageAndNothingIsWritten() {
        long id = data.product("Tamper box", "9.00", 9);
        open(alice, "/products/" + id + "/edit");
        // Alter the token's signature, as someone editing the hidden field would.
        ((JavascriptExecutor) alice).executeScript(
                "const t = document.querySelector('input[name=_c4j_token]');"
                        + "const p = t.value.split('.');"
                        + "p[2] = (p[2][0] === 'A' ? 'B' : 'A') + p[2].slice(1);"
                        + "t.value = p.join('.');");
        type(alice, "price", "0.01");
        save(alice);
        assertThat(alice.findElement(By.tagName("h1")).getText()).contains("version token is not valid");
        Browsers.screenshot(alice, "bad-token");
        assertThat(data.productRow(id).get("PRICE")).isEqualTo(new BigDecimal("9.00"));
    }

    @Test
    void adminPagesRender() {
        open(alice, "/products");
        assertThat(alice.findElement(By.tagName("h1")).getText()).isEqualTo("Products");
        assertThat(alice.findElements(By.cssSelector("span.version"))).isNotEmpty();
        Browsers.screenshot(alice, "products");
        open(alice, "/suppliers");
        assertThat(alice.findElement(By.cssSelector(".strategy")).getText()).contains("trigger");
        Browsers.screenshot(alice, "suppliers");
        open(alice, "/customers");
        assertThat(alice.findElement(By.cssSelector(".strategy")).getText()).contains("conditional");
        Browsers.screenshot(alice, "customers");
        long id = data.product("Delete me", "1.00", 1);
        open(alice, "/products/" + id + "/delete");
        Browsers.screenshot(alice, "delete-confirmation");
        submit(alice.findElement(By.cssSelector("button.danger")));
        assertThat(message(alice, "success")).contains("Deleted product #" + id);
        assertThat(data.productExists(id)).isFalse();
    }

    @Test
    void deleteConfirmedAfterSomeoneElseChangedTheRowIsRefused() {
        long id = data.product("Delete race", "4.00", 4);
        open(alice, "/products/" + id + "/delete");
        open(bob, "/products/" + id + "/edit");
        type(bob, "stock", "40");
        save(bob);

        submit(alice.findElement(By.cssSelector("button.danger")));
        assertThat(alice.findElement(By.cssSelector(".conflict-head .status")).getText()).isEqualTo("409 Conflict");
        assertThat(alice.findElement(By.tagName("h1")).getText()).contains("Not deleted");
        Browsers.screenshot(alice, "delete-conflict");
        assertThat(data.productExists(id)).isTrue();

        // Having seen the new content, Alice deletes knowingly: the button carries the current version.
        submit(alice.findElement(By.id("reapply")));
        assertThat(message(alice, "success")).contains("Deleted product #" + id);
        assertThat(data.productExists(id)).isFalse();
    }

    @Test
    void customerPhoneEditsDoNotMoveTheVersionButNameEditsDo() {
        long id = jdbc.queryForObject("SELECT MIN(id) FROM customer", Long.class);
        long before = jdbc.queryForObject("SELECT version FROM customer WHERE id = ?", Long.class, id);
        open(alice, "/customers/" + id + "/edit");
        type(alice, "phone", "+44 20 5550 0000");
        save(alice);
        assertThat(jdbc.queryForObject("SELECT version FROM customer WHERE id = ?", Long.class, id))
                .as("phone is not a checked field").isEqualTo(before);

        open(alice, "/customers/" + id + "/edit");
        type(alice, "email", "ada.lovelace@example.org");
        save(alice);
        assertThat(jdbc.queryForObject("SELECT version FROM customer WHERE id = ?", Long.class, id))
                .as("email is a checked field").isEqualTo(before + 1);
    }

    private void open(WebDriver browser, String path) {
        browser.get("http://localhost:" + port + path);
    }

    private static void type(WebDriver browser, String field, String value) {
        WebElement input = browser.findElement(By.name(field));
        input.clear();
        input.sendKeys(value);
    }

    private static void save(WebDriver browser) {
        submit(browser.findElement(By.cssSelector("form.card button.primary")));
    }

    /** Clicks a button that loads a new page, and waits until the old page is gone. */
    private static void submit(WebElement button) {
        WebDriver browser = ((WrapsDriver) button).getWrappedDriver();
        button.click();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(d -> gone(button));
        // The old page is gone; on a loaded machine the new one may still be parsing.
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /**
     * Whether the element's page is gone. Besides the stale-element answer, ChromeDriver sometimes answers for a node
     * of the page being left with "unhandled inspector error: Node with given id does not belong to the document"
     * (seen on a loaded CI machine), which means the same.
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    private static void select(WebDriver browser, long id) {
        browser.findElement(By.cssSelector("#row-" + id + " input[name=_c4j_selected]")).click();
    }

    /** A grid cell's input name, as docs/spring.md teaches it: {@code stock[7]}. */
    private static String cell(String column, long id) {
        return column + "[" + id + "]";
    }

    private static java.util.List<String> staleRows(WebDriver browser) {
        return browser.findElements(By.cssSelector("tr.stale")).stream().map(e -> e.getAttribute("id")).toList();
    }

    private static String message(WebDriver browser, String kind) {
        return new WebDriverWait(browser, Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.cssSelector(".msg." + kind)).getText());
    }
}
