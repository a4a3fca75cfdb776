package io.github.concurrency4j.demo.web;

import com.github.difflib.text.DiffRow;
import com.github.difflib.text.DiffRowGenerator;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Turns an edit that lost the race into a 409 page: per field, your value, the stored value and a highlighted
 * diff, with "re-apply mine on top of theirs" and "discard mine". Only the form's fields are shown.
 */
@ControllerAdvice
public class ConflictPage {
    /** Word-level diff (a price is replaced whole, not digit by digit); the generator escapes the values. */
    private static final DiffRowGenerator DIFF = DiffRowGenerator.create()
            .showInlineDiffs(true)
            .mergeOriginalRevised(true)
            .inlineDiffByWord(true)
            .oldTag(start -> start ? "<del>" : "</del>")
            .newTag(start -> start ? "<ins>" : "</ins>")
            .build();

    private final Edits edits;

    public ConflictPage(Edits edits) {
        this.edits = edits;
    }

    @ExceptionHandler(EditConflictException.class)
    @ResponseStatus(HttpStatus.CONFLICT)
    public String editConflict(EditConflictException e, Model model) {
        AdminTable table = e.table();
        RecordModifiedException conflict = e.conflict();
        model.addAttribute("table", table);
        model.addAttribute("id", e.id());
        model.addAttribute("yourVersion", conflict.expectedVersion());
        model.addAttribute("deleted", conflict.isDeleted());
        Map<String, String> yourValues = new LinkedHashMap<>();
        table.fields().forEach(f -> yourValues.put(f.label(), f.format(e.yours().get(f.column()))));
        model.addAttribute("yourValues", yourValues);
        conflict.currentRow().ifPresent(current -> {
            List<ConflictRow> rows = new ArrayList<>();
            for (Field f : table.fields()) {
                String yours = f.format(e.yours().get(f.column()));
                String theirs = f.format(current.get(f.column()));
                rows.add(new ConflictRow(f.label(), f.column(), yours, theirs, diff(theirs, yours),
                        e.changedByYou().contains(f.column()), e.changedByThem().contains(f.column())));
            }
            model.addAttribute("rows", rows);
            model.addAttribute("label", table.label(current));
            model.addAttribute("currentVersion", current.version());
            // Re-applying means saving these values knowingly on top of the current version.
            model.addAttribute("freshToken", edits.tokenFor(table, current));
        });
        return "conflict";
    }

    /** A delete (or any other write) refused outside an edit form: show what the row holds now. */
    @ExceptionHandler(RecordModifiedException.class)
    @ResponseStatus(HttpStatus.CONFLICT)
    public String recordModified(RecordModifiedException e, Model model) {
        model.addAttribute("conflict", e);
        model.addAttribute("currentVersion", e.currentVersion().isPresent() ? e.currentVersion().getAsLong() : null);
        return "conflict-simple";
    }

    static String diff(String theirs, String yours) {
        DiffRow row = DIFF.generateDiffRows(List.of(theirs), List.of(yours)).get(0);
        return row.getOldLine();
    }
}
