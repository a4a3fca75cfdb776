package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.web.RowTokens;
import io.github.concurrency4j.spring.web.RowVersions;
import io.github.concurrency4j.token.TokenPurpose;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** A list-editable grid and a guarded bulk action, as the guide shows them. */
@Controller
class ProductGridController {
    private final Concurrency concurrency;

    ProductGridController(Concurrency concurrency) {
        this.concurrency = concurrency;
    }

    private VersionedTable products() {
        return concurrency.table("product");
    }

    @GetMapping("/products")
    String grid(Model model) {
        List<io.github.concurrency4j.Row> rows = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            products().find(id).ifPresent(rows::add);
        }
        model.addAttribute("rows", rows);
        return "products/grid";
    }

    @PostMapping("/products/grid")
    String save(@RowTokens(table = "product") RowVersions rows, @RequestParam(defaultValue = "skip") String policy,
                HttpServletRequest request, RedirectAttributes redirect) {
        Map<String, Map<String, Object>> changes = rows.changesFrom(request.getParameterMap(), "name", "price");
        BulkResult result = rows.updateAll(products(), changes,
                policy.equals("abort") ? BulkPolicy.ABORT_ALL : BulkPolicy.SKIP_CONFLICTS);
        redirect.addFlashAttribute("message", RowVersions.report(result, "product", "products"));
        return "redirect:/products";
    }

    @PostMapping("/products/discontinue")
    String discontinue(@RowTokens(table = "product", purpose = TokenPurpose.SELECTION) RowVersions selected,
                       RedirectAttributes redirect) {
        int done = selected.guard(products(), connection -> {
            VersionedTable inTransaction = products().using(connection);
            for (Identity row : selected.identities()) {
                inTransaction.update(row.key(), row.version(), Map.of("price", 0));
            }
            return selected.size();
        });
        redirect.addFlashAttribute("message", done + " products discontinued."
                + (selected.acrossPages() ? " " + RowVersions.ACROSS_PAGES_WARNING : ""));
        return "redirect:/products";
    }

    @PostMapping("/products/delete-selected")
    String deleteSelected(@RowTokens(table = "product", purpose = TokenPurpose.SELECTION) RowVersions selected,
                          RedirectAttributes redirect) {
        BulkResult result = products().deleteAll(selected.identities(), BulkPolicy.ABORT_ALL);
        int n = result.saved().size();
        redirect.addFlashAttribute("message", "Deleted " + n + (n == 1 ? " product." : " products."));
        return "redirect:/products";
    }
}
