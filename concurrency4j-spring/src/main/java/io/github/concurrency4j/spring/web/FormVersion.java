package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.ConcurrencyListener;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.internal.FieldComparison;
import io.github.concurrency4j.spring.internal.RequestState;
import io.github.concurrency4j.token.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The version a form was rendered with, taken from its verified token. Resolved for controller parameters marked
 * {@link VersionToken}; pass {@link #version()} as the expected version of the write, or let {@link #update} write
 * the fields the user changed and auto-merge disjoint edits.
 *
 * <p><b>What counts as a change.</b> A submitted field is changed when it differs from the value the form showed,
 * as the token's digests vouch. A form shows SQL {@code NULL} as an empty input, so a blank submission (empty or
 * only whitespace) for a field whose original was {@code NULL} is <em>unchanged</em>: it is neither written nor
 * counted as an edit in a merge. An application whose field tells blank from {@code NULL} says so with
 * {@link #withBlankAsValue(String...)}.
 */
public final class FormVersion {
    private final VerifiedToken token;
    private final boolean autoMerge;
    private final HttpServletRequest request;
    private final Set<String> blankAsValue;
    private final ConcurrencyListener listener;

    /**
     * @param token the verified token
     * @param autoMerge whether {@link #update} merges disjoint edits
     * @param request the current request, where merge outcomes and overlapping fields are recorded for the views
     *     (may be {@code null} outside a request)
     */
    public FormVersion(VerifiedToken token, boolean autoMerge, HttpServletRequest request) {
        this(token, autoMerge, request, ConcurrencyListener.NONE);
    }

    /**
     * @param token the verified token
     * @param autoMerge whether {@link #update} merges disjoint edits
     * @param request the current request, where merge outcomes and overlapping fields are recorded for the views
     *     (may be {@code null} outside a request)
     * @param listener told of every merged save ({@link ConcurrencyListener#merged}), for operators' counts
     */
    public FormVersion(VerifiedToken token, boolean autoMerge, HttpServletRequest request,
                       ConcurrencyListener listener) {
        this(token, autoMerge, request, Set.of(), listener);
    }

    private FormVersion(VerifiedToken token, boolean autoMerge, HttpServletRequest request, Set<String> blankAsValue,
                        ConcurrencyListener listener) {
        this.token = Objects.requireNonNull(token, "token");
        this.autoMerge = autoMerge;
        this.request = request;
        this.blankAsValue = blankAsValue;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * A checked write of some columns at an expected version, whatever carries it (the core engine, JPA, a
     * repository): it either writes and answers the new version, or writes nothing and throws.
     */
    @FunctionalInterface
    public interface Write {
        /**
         * @return the row's version after the write
         * @throws RecordModifiedException when the row is not at {@code expectedVersion}; nothing was written
         */
        long write(long expectedVersion, Map<String, Object> changes);
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
     * This form version, where a blank submission for these fields is a value (the empty string, say) even when the
     * form showed {@code NULL}: for a column where the application stores blank and {@code NULL} as different
     * things and lets the user turn one into the other. By default a blank for a {@code NULL} original is "left
     * alone".
     */
    public FormVersion withBlankAsValue(String... fields) {
        Set<String> fieldSet = new LinkedHashSet<>(blankAsValue);
        fieldSet.addAll(Arrays.asList(fields));
        FormVersion copy = new FormVersion(token, autoMerge, request, Set.copyOf(fieldSet), listener);
        if (request != null && RequestState.formVersion(request) == this) {
            RequestState.formVersion(request, copy);
        }
        return copy;
    }

    /**
     * Whether the user changed this field: the submitted value differs from the one the form showed. Always
     * {@code true} for a field the token has no digest of (it cannot be judged); {@code false} for a blank
     * submission of a field shown as {@code NULL}, unless {@link #withBlankAsValue(String...) blank is a value}.
     */
    public boolean isChanged(String field, Object submitted) {
        return FieldComparison.isChanged(token, field, submitted, blankAsValue);
    }

    /** The submitted fields the user {@linkplain #isChanged changed}, in submission order. */
    public Map<String, Object> changes(Map<String, ?> submitted) {
        Map<String, Object> changed = new LinkedHashMap<>();
        submitted.forEach((field, value) -> {
            if (isChanged(field, value)) {
                changed.put(field, value);
            }
        });
        return changed;
    }

    /**
     * {@link #update(VersionedTable, Object, Map)} for the row the token names (its key as text; the engine converts
     * it to the key column's type).
     *
     * @throws RecordModifiedException when the edits overlap, the row was deleted, or the merged write lost another
     *     race; nothing was written
     */
    public FormSave update(VersionedTable table, Map<String, ?> submitted) {
        return update(table, token.key(), submitted);
    }

    /**
     * {@link #update(Map, Write)} through the core engine: {@code table.update(key, version, changes)}.
     *
     * @param table the table the token was issued for
     * @param key the row's key (the same row the token names)
     * @param submitted the submitted values by column
     * @throws RecordModifiedException when the edits overlap, the row was deleted, or the merged write lost another
     *     race; nothing was written
     */
    public FormSave update(VersionedTable table, Object key, Map<String, ?> submitted) {
        Objects.requireNonNull(table, "table");
        return update(submitted, (expected, changes) -> table.update(key, expected, changes));
    }

    /**
     * Writes the fields the user {@linkplain #changes changed} if the row is still at the form's version; fields
     * submitted unchanged are not written at all (when none changed, nothing is written and the result is not
     * merged). If someone else saved first and auto-merge is on, the two edits are compared field by field with
     * the token's digests: when no field was changed by both sides, this user's changes are written on top of the
     * current version (one more checked write) and the result says {@linkplain FormSave#merged() merged}. A field
     * changed by both sides is a conflict whatever the two values are (two "+1" edits of 24 both submit 25); the
     * conflict is thrown with those fields recorded for the 409 page. With auto-merge off every conflict is thrown.
     *
     * <p>This is the library's one merge rule; an application whose writes go through something other than a
     * {@link VersionedTable} (JPA, a repository) passes its checked write here rather than re-implementing it.
     *
     * @param submitted the submitted values by column
     * @param write the checked write; its {@link RecordModifiedException} must carry the current row for a merge
     * @throws RecordModifiedException when the edits overlap, the row was deleted, or the merged write lost another
     *     race; nothing was written
     */
    public FormSave update(Map<String, ?> submitted, Write write) {
        Objects.requireNonNull(write, "write");
        Map<String, Object> mine = changes(submitted);
        if (mine.isEmpty()) {
            return new FormSave(token.version(), false, Set.of(), Set.of());
        }
        try {
            return new FormSave(write.write(token.version(), mine), false, mine.keySet(), Set.of());
        } catch (RecordModifiedException conflict) {
            Row current = conflict.currentRow().orElse(null);
            if (!autoMerge || current == null) {
                throw conflict;
            }
            FieldComparison cmp = FieldComparison.of(token, mine.keySet(), current);
            if (!cmp.overlapping().isEmpty()) {
                RequestState.overlapping(request, cmp.overlapping());
                throw conflict;
            }
            long version = write.write(current.version(), mine);
            FormSave saved = new FormSave(version, true, cmp.yours(), cmp.theirs());
            announceMerged();
            if (request != null) {
                request.setAttribute(FormSave.REQUEST_ATTRIBUTE, saved);
            }
            return saved;
        }
    }

    /**
     * Tells the listener about the merge once it is final: after the commit of the Spring-managed transaction the
     * write ran in (a rolled-back merge saved nothing, so it is not counted), or at once when there is none.
     */
    private void announceMerged() {
        String table = token.table();
        Object key = token.key();
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    listener.merged(table, key);
                }
            });
        } else {
            listener.merged(table, key);
        }
    }

    @Override
    public String toString() {
        return "FormVersion[" + token + "]";
    }
}
