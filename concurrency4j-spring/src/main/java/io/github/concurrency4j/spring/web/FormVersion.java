package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.internal.FieldComparison;
import io.github.concurrency4j.spring.internal.RequestState;
import io.github.concurrency4j.token.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The version a form was rendered with, taken from its verified token. Resolved for controller parameters marked
 * {@link VersionToken}; pass {@link #version()} as the expected version of the write, or let {@link #update} write
 * and auto-merge disjoint edits.
 */
public final class FormVersion {
    private final VerifiedToken token;
    private final boolean autoMerge;
    private final HttpServletRequest request;

    /**
     * @param token the verified token
     * @param autoMerge whether {@link #update} merges disjoint edits
     * @param request the current request, where merge outcomes and overlapping fields are recorded for the views
     */
    public FormVersion(VerifiedToken token, boolean autoMerge, HttpServletRequest request) {
        this.token = Objects.requireNonNull(token, "token");
        this.autoMerge = autoMerge;
        this.request = request;
    }

    /** The version the form was rendered with: the expected version of the write. */
    public long version() {
        return token.version();
    }

    /** The table (or entity name) the token was issued for. */
    public String table() {
        return token.table();
    }

    /** The row key the token was issued for, as text. */
    public String key() {
        return token.key();
    }

    /** The verified token, with the digests of the original values of the form's fields. */
    public VerifiedToken token() {
        return token;
    }

    /**
     * {@link #update(VersionedTable, Object, Map)} for the row the token names (its key as text; the engine converts
     * it to the key column's type).
     *
     * @throws RecordModifiedException when the edits overlap, the row was deleted, or the merged write lost another
     *     race; nothing was written
     */
    public FormSave update(VersionedTable table, Map<String, ?> changes) {
        return update(table, token.key(), changes);
    }

    /**
     * Writes the form's changes if the row is still at the form's version. If someone else saved first and
     * auto-merge is on, the two edits are compared field by field: when they touched different fields, this
     * user's changes alone are applied on top of the current version (one more checked write) and the result says
     * {@linkplain FormSave#merged() merged}; when they overlap, the conflict is thrown with the overlapping fields
     * recorded for the 409 page.
     *
     * @param table the table the token was issued for
     * @param key the row's key (the same row the token names)
     * @param changes the submitted values by column
     * @throws RecordModifiedException when the edits overlap, the row was deleted, or the merged write lost another
     *     race; nothing was written
     */
    public FormSave update(VersionedTable table, Object key, Map<String, ?> changes) {
        Objects.requireNonNull(table, "table");
        try {
            return new FormSave(table.update(key, token.version(), changes), false, Set.of(), Set.of());
        } catch (RecordModifiedException conflict) {
            Row current = conflict.currentRow().orElse(null);
            if (!autoMerge || current == null) {
                throw conflict;
            }
            FieldComparison cmp = FieldComparison.of(token, changes, current);
            if (!cmp.overlapping().isEmpty()) {
                RequestState.overlapping(request, cmp.overlapping());
                throw conflict;
            }
            Map<String, Object> mine = new LinkedHashMap<>();
            for (String f : cmp.yours()) {
                mine.put(f, changes.get(f));
            }
            long version = mine.isEmpty() ? current.version() : table.update(key, current.version(), mine);
            FormSave saved = new FormSave(version, true, new LinkedHashSet<>(cmp.yours()), cmp.theirs());
            if (request != null) {
                request.setAttribute(FormSave.REQUEST_ATTRIBUTE, saved);
            }
            return saved;
        }
    }

    @Override
    public String toString() {
        return "FormVersion[" + token + "]";
    }
}
