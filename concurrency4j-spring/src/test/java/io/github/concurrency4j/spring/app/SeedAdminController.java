package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.DecimalInput;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.spring.web.VersionToken;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The seed admin's add and change views, built the way docs/spring.md shows: a create form needs no version; a
 * change form validates its fields before it writes (DecimalInput), so a refused value leaves the form's token as
 * it was.
 */
@Controller
class SeedAdminController {
    private final Concurrency concurrency;

    SeedAdminController(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @PostMapping("/seed/products")
    String create(@RequestParam long id, @RequestParam String name, @RequestParam String price,
                  RedirectAttributes redirect) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", id);
        values.put("name", name);
        values.put("price", DecimalInput.parse("price", price, 9, 0).intValueExact());
        products().insert(values);
        redirect.addFlashAttribute("message", "Product " + id + " added.");
        return "redirect:/products/" + id + "/edit";
    }

    @PostMapping("/seed/products/{id}")
    String change(@PathVariable long id, @VersionToken(table = "product") FormVersion version,
                  @RequestParam Map<String, String> form, RedirectAttributes redirect) {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("name", form.get("name"));
        changes.put("description", form.get("description"));
        changes.put("price", DecimalInput.parse("price", form.get("price"), 9, 0).intValueExact());
        FormSave saved = version.update(products(), changes);
        redirect.addFlashAttribute("message", saved.message());
        return "redirect:/products/" + id + "/edit";
    }

    private VersionedTable products() {
        return concurrency.table("product");
    }
}
