package io.github.concurrency4j.demo.admin;

import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.web.Bulk;
import io.github.concurrency4j.demo.web.Edits;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.spring.web.VersionToken;
import io.github.concurrency4j.token.TokenPurpose;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The admin pages, the same for every table: list with grid and bulk actions, edit form, delete confirmation. */
@Controller
public class AdminController {
    private final Map<String, AdminTable> tables;
    private final Edits edits;
    private final Bulk bulk;

    public AdminController(List<AdminTable> tables, Edits edits, Bulk bulk) {
        this.tables = tables.stream().collect(Collectors.toMap(AdminTable::path, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        this.edits = edits;
        this.bulk = bulk;
    }

    @GetMapping("/")
    public String home() {
        return "redirect:/products";
    }

    @GetMapping("/{path:products|suppliers|customers}")
    public String list(@PathVariable String path, Model model) {
        AdminTable table = table(path);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row row : table.list()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("row", row);
            view.put("token", edits.gridTokenFor(table, row));
            view.put("selection", edits.selectionTokenFor(table, row));
            rows.add(view);
        }
        model.addAttribute("table", table);
        model.addAttribute("rows", rows);
        model.addAttribute("gridFields", table.fields().stream().filter(Field::inGrid).toList());
        model.addAttribute("otherFields", table.fields().stream().filter(f -> !f.inGrid()
                && f.kind() != Field.Kind.LONG_TEXT).toList());
        return "list";
    }

    /** One form, three buttons: save the grid, delete the selected rows, or apply a discount to them. */
    @PostMapping("/{path:products|suppliers|customers}")
    public String listAction(@PathVariable String path, @RequestParam String op,
                             @RequestParam(name = "selected", required = false) List<String> selected,
                             @RequestParam MultiValueMap<String, String> form, RedirectAttributes flash) {
        AdminTable table = table(path);
        switch (op) {
            case "save" -> saveGrid(table, form, flash);
            case "delete", "discount" -> bulkAction(table, op, selected == null ? List.of() : selected, flash);
            default -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Unknown action " + op);
        }
        return "redirect:/" + path;
    }

    private void saveGrid(AdminTable table, MultiValueMap<String, String> form, RedirectAttributes flash) {
        List<Bulk.GridRow> rows;
        try {
            rows = Bulk.gridRows(table, form);
        } catch (InvalidInputException e) {
            flash.addFlashAttribute("error", e.getMessage() + ". Nothing was saved.");
            return;
        }
        Bulk.GridResult result = bulk.saveGrid(table, rows);
        String saved = result.saved() == 0 ? "No " + plural(table, 2) + " saved."
                : result.saved() + " " + plural(table, result.saved()) + " saved.";
        if (result.stale().isEmpty()) {
            flash.addFlashAttribute("success", saved);
            return;
        }
        List<String> names = result.stale().stream().map(e -> name(table, e)).toList();
        flash.addFlashAttribute("staleIds", result.stale().stream()
                .map(e -> ((Number) e.key()).longValue()).toList());
        flash.addFlashAttribute("warning", String.join(", ", names) + (names.size() == 1 ? " was" : " were")
                + " changed by someone else and not saved: the grid now shows the current values."
                + (result.saved() == 0 ? "" : " " + saved));
    }

    private void bulkAction(AdminTable table, String op, List<String> selected, RedirectAttributes flash) {
        if (selected.isEmpty()) {
            flash.addFlashAttribute("warning", "Select at least one " + table.singular() + " first.");
            return;
        }
        try {
            int n = op.equals("delete") ? bulk.deleteSelected(table, selected) : bulk.discountSelected(table, selected);
            flash.addFlashAttribute("success", op.equals("delete")
                    ? "Deleted " + n + " " + plural(table, n) + "."
                    : "Applied a 10% discount to " + n + " " + plural(table, n) + ".");
        } catch (BulkConflictException e) {
            String who = e.conflicts().stream()
                    .map(c -> name(table, c) + (c.isDeleted() ? " was deleted" : " was changed"))
                    .collect(Collectors.joining(", "));
            flash.addFlashAttribute("error", "Nothing was " + (op.equals("delete") ? "deleted" : "changed") + ": "
                    + who + " by someone else since the page was loaded. Check the current values and try again.");
        }
    }

    @GetMapping("/{path:products|suppliers|customers}/{id}/edit")
    public String editForm(@PathVariable String path, @PathVariable long id, Model model) {
        AdminTable table = table(path);
        Row row = table.find(id).orElseThrow(() -> notFound(table, id));
        Map<String, String> values = new LinkedHashMap<>();
        table.fields().forEach(f -> values.put(f.column(), f.format(row.get(f.column()))));
        return editPage(model, table, row, values, edits.tokenFor(table, row));
    }

    // One POST mapping per table: @VersionToken names the table the token must have been issued for.

    @PostMapping("/products/{id}/edit")
    public String saveProduct(@PathVariable long id, @VersionToken(table = "product") FormVersion version,
                              @RequestParam Map<String, String> form, Model model, RedirectAttributes flash) {
        return save(table("products"), id, version, form, model, flash);
    }

    @PostMapping("/suppliers/{id}/edit")
    public String saveSupplier(@PathVariable long id, @VersionToken(table = "supplier") FormVersion version,
                               @RequestParam Map<String, String> form, Model model, RedirectAttributes flash) {
        return save(table("suppliers"), id, version, form, model, flash);
    }

    @PostMapping("/customers/{id}/edit")
    public String saveCustomer(@PathVariable long id, @VersionToken(table = "customer") FormVersion version,
                               @RequestParam Map<String, String> form, Model model, RedirectAttributes flash) {
        return save(table("customers"), id, version, form, model, flash);
    }

    private String save(AdminTable table, long id, FormVersion version, Map<String, String> form, Model model,
                        RedirectAttributes flash) {
        Map<String, Object> submitted = new LinkedHashMap<>();
        try {
            for (Field f : table.fields()) {
                submitted.put(f.column(), f.parse(form.get(f.column())));
            }
        } catch (InvalidInputException e) {
            Row row = table.find(id).orElseThrow(() -> notFound(table, id));
            model.addAttribute("error", e.getMessage());
            Map<String, String> values = new LinkedHashMap<>();
            table.fields().forEach(f -> values.put(f.column(), form.getOrDefault(f.column(), "")));
            // Keep the token the form was opened with: the version the user's values are based on.
            return editPage(model, table, row, values, form.get(edits.parameterName()));
        }
        Map<String, Object> changes = version.changes(submitted);
        String name = String.valueOf(submitted.getOrDefault("name", table.singular() + " " + id));
        if (changes.isEmpty()) {
            flash.addFlashAttribute("info", "No changes to " + name + ".");
            return "redirect:/" + table.path();
        }
        FormSave saved = table.save(version, id, changes);
        if (saved.merged()) {
            flash.addFlashAttribute("merged", "Someone else changed " + labels(table, saved.theirFields()) + " of "
                    + name + " while you were editing; your change to " + labels(table, saved.yourFields())
                    + " was applied on top. Now at version " + saved.version() + ".");
        } else {
            flash.addFlashAttribute("success", "Saved " + name + ": now at version " + saved.version() + ".");
        }
        return "redirect:/" + table.path();
    }

    @GetMapping("/{path:products|suppliers|customers}/{id}/delete")
    public String confirmDelete(@PathVariable String path, @PathVariable long id, Model model) {
        AdminTable table = table(path);
        Row row = table.find(id).orElseThrow(() -> notFound(table, id));
        model.addAttribute("table", table);
        model.addAttribute("row", row);
        model.addAttribute("label", table.label(row));
        return "delete";
    }

    @PostMapping("/products/{id}/delete")
    public String deleteProduct(@PathVariable long id, @VersionToken(table = "product", purpose = TokenPurpose.DELETE) long version,
                                RedirectAttributes flash) {
        return delete(table("products"), id, version, flash);
    }

    @PostMapping("/suppliers/{id}/delete")
    public String deleteSupplier(@PathVariable long id, @VersionToken(table = "supplier", purpose = TokenPurpose.DELETE) long version,
                                 RedirectAttributes flash) {
        return delete(table("suppliers"), id, version, flash);
    }

    @PostMapping("/customers/{id}/delete")
    public String deleteCustomer(@PathVariable long id, @VersionToken(table = "customer", purpose = TokenPurpose.DELETE) long version,
                                 RedirectAttributes flash) {
        return delete(table("customers"), id, version, flash);
    }

    private String delete(AdminTable table, long id, long version, RedirectAttributes flash) {
        table.delete(id, version);
        flash.addFlashAttribute("success", "Deleted " + table.singular() + " #" + id + ".");
        return "redirect:/" + table.path();
    }

    private String editPage(Model model, AdminTable table, Row row, Map<String, String> values, String token) {
        model.addAttribute("table", table);
        model.addAttribute("row", row);
        model.addAttribute("values", values);
        model.addAttribute("tokenParameter", edits.parameterName());
        model.addAttribute("token", token);
        return "edit";
    }

    private static String name(AdminTable table, RecordModifiedException e) {
        return e.currentRow().map(table::label).orElse(table.singular()) + " (#" + e.key() + ")";
    }

    private AdminTable table(String path) {
        AdminTable t = tables.get(path);
        if (t == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return t;
    }

    private static ResponseStatusException notFound(AdminTable table, long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No " + table.singular() + " #" + id
                + ": it may have been deleted.");
    }

    private static String labels(AdminTable table, java.util.Set<String> columns) {
        return table.fields().stream().filter(f -> columns.contains(f.column())).map(Field::label)
                .collect(Collectors.joining(", "));
    }

    private static String plural(AdminTable table, int n) {
        return n == 1 ? table.singular() : table.singular() + "s";
    }
}
