package io.github.concurrency4j.demo.admin;

import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.web.Bulk;
import io.github.concurrency4j.spring.web.ConcurrencyForms;
import io.github.concurrency4j.spring.web.FormSave;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.spring.web.RowTokens;
import io.github.concurrency4j.spring.web.RowVersions;
import io.github.concurrency4j.spring.web.VersionToken;
import io.github.concurrency4j.token.TokenPurpose;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final ConcurrencyForms forms;
    private final Bulk bulk;

    public AdminController(List<AdminTable> tables, ConcurrencyForms forms, Bulk bulk) {
        this.tables = tables.stream().collect(Collectors.toMap(AdminTable::path, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        this.forms = forms;
        this.bulk = bulk;
    }

    @GetMapping("/")
    public String home() {
        return "redirect:/products";
    }

    @GetMapping("/{path:products|suppliers|customers}")
    public String list(@PathVariable String path, Model model) {
        AdminTable table = table(path);
        model.addAttribute("table", table);
        // Each row's grid token and checkbox are rendered by the starter (list.html): hiddenRow and checkbox.
        model.addAttribute("rows", table.list());
        model.addAttribute("gridFields", table.fields().stream().filter(Field::inGrid).toList());
        model.addAttribute("gridColumns", Bulk.gridColumns(table));
        model.addAttribute("otherFields", table.fields().stream().filter(f -> !f.inGrid()
                && f.kind() != Field.Kind.LONG_TEXT).toList());
        return "list";
    }

    // The list form's buttons post to these (formaction). One mapping per table: @RowTokens names the table every
    // row token must have been issued for, and the purpose: a grid row's token, or a checkbox's.

    @PostMapping("/products/grid")
    public String saveProductGrid(@RowTokens(table = "product") RowVersions rows, HttpServletRequest request,
                                  RedirectAttributes flash) {
        return saveGrid(table("products"), rows, request.getParameterMap(), flash);
    }

    @PostMapping("/suppliers/grid")
    public String saveSupplierGrid(@RowTokens(table = "supplier") RowVersions rows, HttpServletRequest request,
                                   RedirectAttributes flash) {
        return saveGrid(table("suppliers"), rows, request.getParameterMap(), flash);
    }

    @PostMapping("/products/delete-selected")
    public String deleteProducts(@RowTokens(table = "product", purpose = TokenPurpose.SELECTION) RowVersions selected,
                                 RedirectAttributes flash) {
        return bulkAction(table("products"), "delete", selected, flash);
    }

    @PostMapping("/suppliers/delete-selected")
    public String deleteSuppliers(@RowTokens(table = "supplier", purpose = TokenPurpose.SELECTION) RowVersions selected,
                                  RedirectAttributes flash) {
        return bulkAction(table("suppliers"), "delete", selected, flash);
    }

    @PostMapping("/customers/delete-selected")
    public String deleteCustomers(@RowTokens(table = "customer", purpose = TokenPurpose.SELECTION) RowVersions selected,
                                  RedirectAttributes flash) {
        return bulkAction(table("customers"), "delete", selected, flash);
    }

    @PostMapping("/products/discount")
    public String discountProducts(@RowTokens(table = "product", purpose = TokenPurpose.SELECTION) RowVersions selected,
                                   RedirectAttributes flash) {
        return bulkAction(table("products"), "discount", selected, flash);
    }

    private String saveGrid(AdminTable table, RowVersions rows, Map<String, String[]> form, RedirectAttributes flash) {
        BulkResult result;
        try {
            result = bulk.saveGrid(table, rows, form);
        } catch (InvalidInputException e) {
            flash.addFlashAttribute("error", e.getMessage() + ". Nothing was saved.");
            return "redirect:/" + table.path();
        }
        // "Products 3, 7 were changed by someone else and were not saved. 2 products saved."
        String report = RowVersions.report(result, table.singular(), plural(table, 2));
        if (!result.hasConflicts()) {
            flash.addFlashAttribute("success", report);
            return "redirect:/" + table.path();
        }
        flash.addFlashAttribute("staleIds", result.conflicts().stream().map(e -> String.valueOf(e.key())).toList());
        flash.addFlashAttribute("warning", report + " The highlighted rows show the current values.");
        return "redirect:/" + table.path();
    }

    private String bulkAction(AdminTable table, String op, RowVersions selected, RedirectAttributes flash) {
        if (selected.isEmpty()) {
            flash.addFlashAttribute("warning", "Select at least one " + table.singular() + " first.");
            return "redirect:/" + table.path();
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
        return "redirect:/" + table.path();
    }

    @GetMapping("/{path:products|suppliers|customers}/{id}/edit")
    public String editForm(@PathVariable String path, @PathVariable long id, Model model) {
        AdminTable table = table(path);
        Row row = table.find(id).orElseThrow(() -> notFound(table, id));
        Map<String, String> values = new LinkedHashMap<>();
        table.fields().forEach(f -> values.put(f.column(), f.format(row.get(f.column()))));
        // The form's token is rendered by the starter (edit.html): @concurrency4jForms.hidden.
        return editPage(model, table, row, values, null);
    }

    // One POST mapping per table: @VersionToken names the table the token must have been issued for.

    @PostMapping("/products/{id}/edit")
    public String saveProduct(@PathVariable long id, @VersionToken(table = "product") FormVersion version,
                              @RequestParam MultiValueMap<String, String> form, Model model,
                              RedirectAttributes flash) {
        return save(table("products"), id, version, form, model, flash);
    }

    @PostMapping("/suppliers/{id}/edit")
    public String saveSupplier(@PathVariable long id, @VersionToken(table = "supplier") FormVersion version,
                               @RequestParam MultiValueMap<String, String> form, Model model,
                               RedirectAttributes flash) {
        return save(table("suppliers"), id, version, form, model, flash);
    }

    @PostMapping("/customers/{id}/edit")
    public String saveCustomer(@PathVariable long id, @VersionToken(table = "customer") FormVersion version,
                               @RequestParam MultiValueMap<String, String> form, Model model,
                               RedirectAttributes flash) {
        return save(table("customers"), id, version, form, model, flash);
    }

    private String save(AdminTable table, long id, FormVersion version, MultiValueMap<String, String> form,
                        Model model, RedirectAttributes flash) {
        Map<String, Object> submitted = new LinkedHashMap<>();
        try {
            for (Field f : table.fields()) {
                submitted.put(f.column(), f.parse(single(f, form.get(f.column()))));
            }
        } catch (InvalidInputException e) {
            Row row = table.find(id).orElseThrow(() -> notFound(table, id));
            model.addAttribute("error", e.getMessage());
            Map<String, String> values = new LinkedHashMap<>();
            table.fields().forEach(f -> values.put(f.column(), Objects.requireNonNullElse(form.getFirst(f.column()),
                    "")));
            // Keep the token the form was opened with: the version the user's values are based on.
            return editPage(model, table, row, values, form.getFirst(forms.parameterName()));
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

    /**
     * The one value a field was submitted with. A field given twice with different values (a hand-made request, a
     * template that renders it twice) leaves it open which one the user meant: refused, whatever the order.
     */
    private static String single(Field field, List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        for (String v : values) {
            if (!v.equals(values.get(0))) {
                throw new InvalidInputException(field.label() + " was submitted more than once, with different "
                        + "values: nothing was saved. Enter one value and save again.");
            }
        }
        return values.get(0);
    }

    /**
     * The edit page. {@code submittedToken} is {@code null} for a form opened now, whose token the template renders
     * for the row and the columns it shows; after a validation error it is the token the form was submitted with.
     */
    private String editPage(Model model, AdminTable table, Row row, Map<String, String> values,
                            String submittedToken) {
        model.addAttribute("table", table);
        model.addAttribute("row", row);
        model.addAttribute("values", values);
        model.addAttribute("columns", table.fields().stream().map(Field::column).toArray(String[]::new));
        model.addAttribute("submittedToken", submittedToken);
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
