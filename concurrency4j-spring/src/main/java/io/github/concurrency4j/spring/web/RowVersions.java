package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.GuardedAction;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.spring.internal.FieldComparison;
import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.VerifiedToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verified rows of a list-editable form or a bulk selection: each row's key and the version the user saw.
 * Resolved for controller parameters marked {@link RowTokens}.
 */
public final class RowVersions {
    private static final Logger LOG = LoggerFactory.getLogger(RowVersions.class);

    /** The warning shown when "select all across pages" was used: rows not shown cannot be checked. */
    public static final String ACROSS_PAGES_WARNING = "All rows across pages were selected: only the rows shown on "
            + "this page carry the versions you saw and were checked for changes by someone else; the others could "
            + "not be checked.";

    private final String table;
    private final List<VerifiedToken> tokens;
    private final boolean acrossPages;

    /**
     * @param table the table every token was verified for
     * @param tokens the verified tokens, in submitted order
     * @param acrossPages whether "select all across pages" was used
     * @throws InvalidTokenException when a row comes twice (the same token twice, or two tokens for one row, at the
     *     same or different versions): which one the user meant cannot be told
     */
    public RowVersions(String table, List<VerifiedToken> tokens, boolean acrossPages) {
        this.table = Objects.requireNonNull(table, "table");
        this.tokens = List.copyOf(tokens);
        this.acrossPages = acrossPages;
        Map<String, VerifiedToken> seen = new HashMap<>();
        for (VerifiedToken t : this.tokens) {
            VerifiedToken before = seen.putIfAbsent(t.key(), t);
            if (before != null) {
                throw InvalidTokenException.duplicate(table, t.key(), before.version() == t.version()
                        ? "two tokens at version " + t.version()
                        : "tokens at versions " + before.version() + " and " + t.version());
            }
        }
    }

    /** The rows as (key as text, version seen), in submitted order. */
    public List<Identity> identities() {
        return tokens.stream().map(VerifiedToken::identity).toList();
    }

    /** The keys of the rows, as text, in submitted order. */
    public List<String> keys() {
        return tokens.stream().map(VerifiedToken::key).toList();
    }

    /** Whether no row was submitted (nothing selected). */
    public boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** How many rows were submitted. */
    public int size() {
        return tokens.size();
    }

    /** Whether "select all across pages" was used: rows not shown carry no version and cannot be guarded. */
    public boolean acrossPages() {
        return acrossPages;
    }

    /**
     * Turns the text a grid cell was submitted with into the value it stands for, before it is compared with the
     * value the row showed and written: {@code "10.00"} into the {@code BigDecimal} 10.00 a DECIMAL(10, 2) column
     * holds. Throw to refuse a cell (a number that is not one, a value out of range): the exception leaves
     * {@link #changesFrom(Map, CellParser, String...)} as it is, and nothing has been written.
     */
    @FunctionalInterface
    public interface CellParser {
        /**
         * @param field the field of the cell, one of those passed to {@code changesFrom}
         * @param text the submitted text, never {@code null} (an empty input is {@code ""})
         * @return the value, or {@code null} for SQL {@code NULL}
         */
        Object parse(String field, String text);
    }

    /**
     * The edited rows' changes from a list-editable form whose inputs are named {@code field[key]}, such as
     * {@code name[7]}, with the cells kept as the submitted text. Only the cells the user changed are included (as
     * {@link FormVersion#changes} judges them: a blank cell shown as {@code NULL} is unchanged), and a row with none
     * is left out, so that saving a grid does not bump the versions of rows nobody touched nor write old copies of
     * cells nobody touched.
     *
     * <p>Text is compared with the value the row showed as tokens compare values: a number by its value's text
     * ({@code 10} for a DECIMAL 10.00), anything else by {@code toString()}. A column whose shown text differs from
     * that (a DECIMAL shown with its scale, "10.00") needs {@link #changesFrom(Map, CellParser, String...)}, else
     * every untouched cell of it counts as changed.
     *
     * @param parameters the request parameters, such as {@code request.getParameterMap()}
     * @param fields the editable fields
     * @return changes by key (as text), in submitted order
     * @throws InvalidTokenException when a row's field was submitted more than once; nothing was written
     */
    public Map<String, Map<String, Object>> changesFrom(Map<String, ?> parameters, String... fields) {
        return changesFrom(parameters, (field, text) -> text, fields);
    }

    /**
     * The edited rows' changes from a list-editable form whose inputs are named {@code field[key]}, each cell
     * parsed first: the parsed value is what is compared with the value the row showed (so {@code "10.00"} parsed
     * to a {@code BigDecimal} is no change for a row that showed 10.00) and what the change carries. Only the cells
     * the user changed are included (a blank or {@code null} value for a cell shown as {@code NULL} is unchanged),
     * and a row with none is left out. Every cell of every row is parsed, so one bad cell refuses the whole save.
     *
     * <pre>{@code
     * Map<String, Map<String, Object>> changes = rows.changesFrom(request.getParameterMap(),
     *         (field, text) -> DecimalInput.parse(field, text, 8, 2), "price");
     * }</pre>
     *
     * @param parameters the request parameters, such as {@code request.getParameterMap()}
     * @param parser turns a cell's text into its value; what it throws is passed on, with nothing written
     * @param fields the editable fields
     * @return changes by key (as text), in submitted order
     * @throws InvalidTokenException when a row's field was submitted more than once; nothing was written
     */
    public Map<String, Map<String, Object>> changesFrom(Map<String, ?> parameters, CellParser parser,
                                                        String... fields) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(parser, "parser");
        Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
        for (VerifiedToken t : tokens) {
            Map<String, Object> changes = new LinkedHashMap<>();
            for (String f : fields) {
                Object raw = parameters.get(f + "[" + t.key() + "]");
                if (raw == null) {
                    continue;
                }
                Object value = parser.parse(f, only(raw, f, t.key()));
                // Only what the user changed (the forms' rule): an untouched cell is not written with its old copy.
                if (FieldComparison.isChanged(t, f, value, Set.of())) {
                    changes.put(f, value);
                }
            }
            if (!changes.isEmpty()) {
                byKey.put(t.key(), changes);
            }
        }
        return byKey;
    }

    /**
     * Saves the rows' changes in one batch, each checked against the version its token carries.
     *
     * @param changesByKey changes by key (as text, as in {@link #keys()}); rows without changes are not written
     * @param policy {@link BulkPolicy#SKIP_CONFLICTS} saves what is current and reports the rest;
     *     {@link BulkPolicy#ABORT_ALL} saves nothing if any row is stale
     * @throws InvalidTokenException when a change names a row the form carried no token for; nothing was written
     * @throws io.github.concurrency4j.BulkConflictException under {@code ABORT_ALL} when any row is stale
     */
    public BulkResult updateAll(VersionedTable table, Map<String, ? extends Map<String, ?>> changesByKey,
                                BulkPolicy policy) {
        return table.updateAll(changes(changesByKey), policy);
    }

    /**
     * {@link #updateAll(VersionedTable, Map, BulkPolicy)} with the configured policy
     * ({@code concurrency4j.bulk-policy}, skip-conflicts by default).
     *
     * @throws InvalidTokenException when a change names a row the form carried no token for; nothing was written
     * @throws io.github.concurrency4j.BulkConflictException under {@code ABORT_ALL} when any row is stale
     */
    public BulkResult updateAll(VersionedTable table, Map<String, ? extends Map<String, ?>> changesByKey) {
        return table.updateAll(changes(changesByKey));
    }

    private List<RowChange> changes(Map<String, ? extends Map<String, ?>> changesByKey) {
        Map<String, VerifiedToken> byKey = new LinkedHashMap<>();
        for (VerifiedToken t : tokens) {
            byKey.put(t.key(), t);
        }
        List<RowChange> changes = new ArrayList<>(changesByKey.size());
        for (Map.Entry<String, ? extends Map<String, ?>> e : changesByKey.entrySet()) {
            VerifiedToken t = byKey.get(String.valueOf(e.getKey()));
            if (t == null) {
                throw InvalidTokenException.missing(this.table, e.getKey());
            }
            changes.add(RowChange.of(t.key(), t.version(), e.getValue()));
        }
        return changes;
    }

    /**
     * Runs a bulk action only if none of the selected rows changed since the user saw them (see
     * {@link VersionedTable#guard}). With "select all across pages", the shown rows are still guarded and a warning
     * is logged: the rows of other pages were never shown with a version and cannot be checked.
     *
     * @throws io.github.concurrency4j.BulkConflictException when a selected row changed or vanished; the action did
     *     not run
     */
    public <T> T guard(VersionedTable table, GuardedAction<T> action) {
        if (acrossPages) {
            LOG.warn("Bulk action on {} with 'select all across pages': {}", this.table, ACROSS_PAGES_WARNING);
        }
        return table.guard(identities(), action);
    }

    /**
     * What a bulk save did, in words for the user, singular and plural right: "Product 3 was changed by someone
     * else and was not saved. 2 products saved.", "1 product saved.", "No products saved." A row someone deleted is
     * said to be deleted; when nothing was saved beside the refused rows, no "0 saved" trails the message.
     *
     * @param singular the noun for one row, such as {@code "product"}
     * @param plural the noun for several rows, such as {@code "products"}
     */
    public static String report(BulkResult result, String singular, String plural) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(singular, "singular");
        Objects.requireNonNull(plural, "plural");
        int saved = result.saved().size();
        String savedText = saved == 0 ? "No " + plural + " saved."
                : saved + " " + (saved == 1 ? singular : plural) + " saved.";
        if (!result.hasConflicts()) {
            return savedText;
        }
        List<String> changed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (RecordModifiedException e : result.conflicts()) {
            (e.isDeleted() ? deleted : changed).add(String.valueOf(e.key()));
        }
        StringBuilder m = new StringBuilder();
        if (!changed.isEmpty()) {
            m.append(rows(singular, plural, changed)).append(changed.size() == 1 ? " was" : " were")
                    .append(" changed by someone else and ").append(changed.size() == 1 ? "was" : "were")
                    .append(" not saved.");
        }
        if (!deleted.isEmpty()) {
            m.append(m.length() == 0 ? "" : " ").append(rows(singular, plural, deleted))
                    .append(deleted.size() == 1 ? " was" : " were").append(" deleted by someone else.");
        }
        if (saved > 0) {
            m.append(' ').append(savedText);
        }
        return m.toString();
    }

    /** "Product 3" or "Products 3, 7". */
    private static String rows(String singular, String plural, List<String> keys) {
        String noun = keys.size() == 1 ? singular : plural;
        return (noun.isEmpty() ? noun : Character.toUpperCase(noun.charAt(0)) + noun.substring(1)) + " "
                + String.join(", ", keys);
    }

    private String only(Object raw, String field, String key) {
        List<?> values = raw instanceof String[] a ? java.util.Arrays.asList(a) : raw instanceof List<?> l ? l : List.of(raw);
        if (values.size() > 1) {
            throw InvalidTokenException.duplicate(table, key, values.size() + " values of " + field);
        }
        return values.isEmpty() ? "" : String.valueOf(values.get(0));
    }

    @Override
    public String toString() {
        return "RowVersions[" + table + ": " + tokens.stream().map(t -> t.key() + "@" + t.version())
                .collect(Collectors.joining(", ")) + (acrossPages ? ", across pages" : "") + "]";
    }
}
