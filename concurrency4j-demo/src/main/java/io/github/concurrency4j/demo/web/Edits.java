package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.spring.web.ConcurrencyForms;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.token.TokenPurpose;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The version tokens of the admin pages, issued and read with the starter's {@link ConcurrencyForms} and
 * {@link VersionTokens}. A token binds (table, key, version) and carries signed digests of the original values of
 * the form's fields, which is how a save knows what this user changed and what someone else changed.
 */
@Component
public class Edits {
    private final ConcurrencyForms forms;
    private final VersionTokens tokens;

    public Edits(ConcurrencyForms forms, VersionTokens tokens) {
        this.forms = forms;
        this.tokens = tokens;
    }

    /** The form parameter tokens travel in. */
    public String parameterName() {
        return forms.parameterName();
    }

    /** The token of an edit form showing this row. */
    public String tokenFor(AdminTable table, Row row) {
        return forms.token(table.table(), row, fieldNames(table));
    }

    /** The token of this row's line in the list page's grid: good for saving that line only. */
    public String gridTokenFor(AdminTable table, Row row) {
        return forms.token(TokenPurpose.GRID_ROW, table.table(), row, fieldNames(table));
    }

    /** The token of this row's checkbox on the list page: good for a bulk action only. */
    public String selectionTokenFor(AdminTable table, Row row) {
        return forms.token(TokenPurpose.SELECTION, table.table(), row);
    }

    /** A grid row's token, verified against the row it was posted for. */
    public VerifiedToken verify(AdminTable table, long id, String token) {
        return tokens.verify(token, TokenPurpose.GRID_ROW, table.table(), id);
    }

    /** A bulk selection's token, which names its own row, verified. */
    public VerifiedToken verifySelection(AdminTable table, String token) {
        return tokens.verify(token, TokenPurpose.SELECTION, table.table());
    }

    /**
     * Only the fields the user changed, by the starter's rule ({@link FormVersion#changes}): values that differ
     * from what the form showed, where a blank input for a NULL original is no change. Writing just those keeps a
     * field someone else changed meanwhile (and that this user left alone) from being overwritten with the stale
     * copy.
     */
    public Map<String, Object> changes(AdminTable table, VerifiedToken token, Map<String, Object> submitted) {
        Map<String, Object> ofTable = new LinkedHashMap<>();
        for (Field f : table.fields()) {
            if (submitted.containsKey(f.column())) {
                ofTable.put(f.column(), submitted.get(f.column()));
            }
        }
        // Auto-merge plays no part here: only the rule for what counts as a change is used.
        return new FormVersion(token, false, null).changes(ofTable);
    }

    /** The columns an edit form of this table shows. */
    public static String[] fieldNames(AdminTable table) {
        return table.fields().stream().map(Field::column).toArray(String[]::new);
    }
}
