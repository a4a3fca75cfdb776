package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Edit forms: the token a form carries, and the save that honours it.
 *
 * <p>The token binds (table, key, version) and signed digests of the original values of the form's fields. On
 * save only the fields this user changed are written, at the version the user saw. When someone else saved first,
 * the digests tell which fields they changed: disjoint edits are merged (one more checked write on the current
 * version), overlapping ones become a 409 page.
 */
@Component
public class Edits {
    private final VersionTokens tokens;
    private final boolean autoMerge;

    public Edits(VersionTokens tokens, @Value("${demo.auto-merge:true}") boolean autoMerge) {
        this.tokens = tokens;
        this.autoMerge = autoMerge;
    }

    /** The hidden token for an edit form (or a grid row, or a bulk checkbox) showing this row. */
    public String tokenFor(AdminTable table, Row row) {
        Map<String, Object> originals = new LinkedHashMap<>();
        for (Field f : table.fields()) {
            originals.put(f.column(), f.format(row.get(f.column())));
        }
        return tokens.sign(table.table(), row.key(), row.version(), originals);
    }

    /** The token of a form for this row, verified. */
    public VerifiedToken verify(AdminTable table, long id, String token) {
        return tokens.verify(token, table.table(), id);
    }

    /** A bulk selection's token, which names its own row, verified. */
    public VerifiedToken verifySelection(AdminTable table, String token) {
        return tokens.verify(token, table.table());
    }

    /** The fields whose submitted value differs from what the form showed. */
    public Set<String> changedFields(AdminTable table, VerifiedToken token, Map<String, Object> submitted) {
        Set<String> changed = new LinkedHashSet<>();
        for (Field f : table.fields()) {
            if (submitted.containsKey(f.column())
                    && !token.isOriginal(f.column(), f.format(submitted.get(f.column())))) {
                changed.add(f.column());
            }
        }
        return changed;
    }

    /**
     * Saves an edit form.
     *
     * @param submitted the form's field values, parsed
     * @throws EditConflictException when someone else changed the same fields, or deleted the row
     */
    public SaveResult save(AdminTable table, long id, VerifiedToken token, Map<String, Object> submitted) {
        Set<String> mine = changedFields(table, token, submitted);
        if (mine.isEmpty()) {
            return new SaveResult(token.version(), mine, Set.of());
        }
        try {
            return new SaveResult(table.update(id, token.version(), only(mine, submitted)), mine, Set.of());
        } catch (RecordModifiedException e) {
            if (!autoMerge || e.isDeleted()) {
                throw conflict(table, id, e, submitted, mine, Set.of());
            }
            Row current = e.currentRow().orElseThrow();
            Set<String> theirs = new LinkedHashSet<>();
            boolean overlap = false;
            for (Field f : table.fields()) {
                String now = f.format(current.get(f.column()));
                if (!token.isOriginal(f.column(), now)) {
                    theirs.add(f.column());
                    // Both changed the field, to different values: only a person can choose.
                    overlap |= mine.contains(f.column()) && !now.equals(f.format(submitted.get(f.column())));
                }
            }
            if (overlap) {
                throw conflict(table, id, e, submitted, mine, theirs);
            }
            try {
                // Disjoint edits: re-apply only this user's changes on the current version, still checked.
                long version = table.update(id, current.version(), only(mine, submitted));
                return new SaveResult(version, mine, theirs);
            } catch (RecordModifiedException again) {
                throw conflict(table, id, again, submitted, mine, theirs);
            }
        }
    }

    private static EditConflictException conflict(AdminTable table, long id, RecordModifiedException e,
                                                  Map<String, Object> submitted, Set<String> mine,
                                                  Set<String> theirs) {
        return new EditConflictException(table, id, e, submitted, mine, theirs);
    }

    private static Map<String, Object> only(Set<String> columns, Map<String, Object> values) {
        Map<String, Object> subset = new LinkedHashMap<>();
        columns.forEach(c -> subset.put(c, values.get(c)));
        return subset;
    }
}
