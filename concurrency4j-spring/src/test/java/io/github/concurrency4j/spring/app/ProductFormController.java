package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.spring.web.VersionToken;
import io.github.concurrency4j.token.TokenPurpose;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** An edit form for a declared table, the way the guide shows it. */
@Controller
class ProductFormController {
    private final Concurrency concurrency;

    ProductFormController(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    @GetMapping("/products/{id}/edit")
    String edit(@PathVariable long id, Model model) {
        Row row = products().find(id).orElseThrow();
        model.addAttribute("row", row);
        return "products/edit";
    }

    @PostMapping("/products/{id}")
    String save(@PathVariable long id, @VersionToken(table = "product") FormVersion version,
                @RequestParam Map<String, String> form, RedirectAttributes redirect) {
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("name", form.get("name"));
        changes.put("description", form.get("description"));
        changes.put("price", Integer.valueOf(form.get("price")));
        FormSave saved = version.update(products(), changes);
        redirect.addFlashAttribute("message", saved.message());
        return "redirect:/products/" + id + "/edit";
    }

    /** Takes the bare version: the controller writes itself, without auto-merge. */
    @PostMapping("/products/{id}/plain")
    String savePlain(@PathVariable long id, @VersionToken(table = "product") long version,
                     @RequestParam String name) {
        products().update(id, version, Map.of("name", name));
        return "redirect:/products/" + id + "/edit";
    }

    /** A delete form: its token is valid only for deleting this row. */
    @GetMapping("/products/{id}/delete")
    String confirmDelete(@PathVariable long id, Model model) {
        model.addAttribute("row", products().find(id).orElseThrow());
        return "products/delete";
    }

    @PostMapping("/products/{id}/delete")
    String delete(@PathVariable long id, @VersionToken(table = "product", purpose = TokenPurpose.DELETE) long version) {
        products().delete(id, version);
        return "redirect:/products";
    }

    private VersionedTable products() {
        return concurrency.table("product");
    }
}
