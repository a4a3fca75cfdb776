package io.github.concurrency4j.demo.admin;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.web.Bulk;
import io.github.concurrency4j.demo.web.Edits;
import io.github.concurrency4j.demo.web.SaveResult;
import io.github.concurrency4j.token.VerifiedToken;
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
            view.put("token", edits.tokenFor(table, row));
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
        List<Bulk.GridRow> rows = new ArrayList<>();
        List<String> ids = form.getOrDefault("row", List.of());
        try {
            for (String id : ids) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Field f : table.fields()) {
                    if (f.inGrid()) {
                        values.put(f.column(), f.parse(form.getFirst(f.column() + "_" + id)));
                    }
                }
                rows.add(new Bulk.GridRow(Long.parseLong(id), form.getFirst("token_" + id), values));
            }
        } catch (InvalidInputException e) {
            flash.addFlashAttribute("error", e.getMessage() + ". Nothing was saved.");
            return;
        }
        Bulk.GridResult result = bulk.saveGrid(table, rows);
        String saved = result.saved() + " " + plural(table, result.saved()) + " saved.";
        if (result.stale().isEmpty()) {
            flash.addFlashAttribute("success", saved);
        } else {
            flash.addFlashAttribute("staleIds", result.staleIds());
            flash.addFlashAttribute("warning", String.join(", ", result.stale())
                    + (result.stale().size() == 1 ? " was" : " were")
                    + " changed by someone else and not saved: the grid now shows the current values. " + saved);
        }
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
        } catch (RecordModifiedException e) {
            String who = e.currentRow().map(table::label).map(l -> l + " (#" + e.key() + ")")
                    .orElse(table.singular() + " #" + e.key());
            flash.addFlashAttribute("error", "Nothing was " + (op.equals("delete") ? "deleted" : "changed") + ": "
                    + who + (e.isDeleted() ? " was deleted" : " was changed")
                    + " by someone else since the page was loaded. Check the current values and try again.");
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

    @PostMapping("/{path:products|suppliers|customers}/{id}/edit")
    public String save(@PathVariable String path, @PathVariable long id, @RequestParam("_version") String token,
                       @RequestParam Map<String, String> form, Model model, RedirectAttributes flash) {
        AdminTable table = table(path);
        VerifiedToken verified = edits.verify(table, id, token);
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
            return editPage(model, table, row, values, token);
        }
        SaveResult result = edits.save(table, id, verified, submitted);
        String name = String.valueOf(submitted.getOrDefault("name", table.singular() + " " + id));
        if (result.changed().isEmpty()) {
            flash.addFlashAttribute("info", "No changes to " + name + ".");
        } else if (result.merged()) {
            flash.addFlashAttribute("merged", "Merged: someone else changed " + labels(table, result.mergedWith())
                    + " of " + name + " while you were editing; your change to "
                    + labels(table, result.changed()) + " was applied on top. Now at version " + result.version()
                    + ".");
        } else {
            flash.addFlashAttribute("success", "Saved " + name + ": now at version " + result.version() + ".");
        }
        return "redirect:/" + path;
    }

    @GetMapping("/{path:products|suppliers|customers}/{id}/delete")
    public String confirmDelete(@PathVariable String path, @PathVariable long id, Model model) {
        AdminTable table = table(path);
        Row row = table.find(id).orElseThrow(() -> notFound(table, id));
        model.addAttribute("table", table);
        model.addAttribute("row", row);
        model.addAttribute("label", table.label(row));
        model.addAttribute("token", edits.tokenFor(table, row));
        return "delete";
    }

    @PostMapping("/{path:products|suppliers|customers}/{id}/delete")
    public String delete(@PathVariable String path, @PathVariable long id, @RequestParam("_version") String token,
                         RedirectAttributes flash) {
        AdminTable table = table(path);
        VerifiedToken verified = edits.verify(table, id, token);
        table.delete(id, verified.version());
        flash.addFlashAttribute("success", "Deleted " + table.singular() + " #" + id + ".");
        return "redirect:/" + path;
    }

    private String editPage(Model model, AdminTable table, Row row, Map<String, String> values, String token) {
        model.addAttribute("table", table);
        model.addAttribute("row", row);
        model.addAttribute("values", values);
        model.addAttribute("token", token);
        return "edit";
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
