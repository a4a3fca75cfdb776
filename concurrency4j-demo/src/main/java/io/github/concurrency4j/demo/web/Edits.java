package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.spring.web.ConcurrencyForms;
import org.springframework.stereotype.Component;

/**
 * The edit forms' version tokens, issued with the starter's {@link ConcurrencyForms}. A token binds (table, key,
 * version) and carries signed digests of the original values of the form's fields, which is how a save knows what
 * this user changed and what someone else changed. The list page's grid rows and checkboxes get their tokens in the
 * template, from {@code @concurrency4jForms.hiddenRow} and {@code @concurrency4jForms.checkbox}.
 */
@Component
public class Edits {
    private final ConcurrencyForms forms;

    public Edits(ConcurrencyForms forms) {
        this.forms = forms;
    }

    /** The form parameter tokens travel in. */
    public String parameterName() {
        return forms.parameterName();
    }

    /** The token of an edit form showing this row. */
    public String tokenFor(AdminTable table, Row row) {
        return forms.token(table.table(), row, fieldNames(table));
    }

    /** The columns an edit form of this table shows. */
    public static String[] fieldNames(AdminTable table) {
        return table.fields().stream().map(Field::column).toArray(String[]::new);
    }
}
