package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.VerifiedToken;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ResponseStatusException;

/**
 * The list page's grid and bulk actions, on the core engine's bulk API.
 *
 * <p>The grid is one {@code updateAll} under {@link BulkPolicy#SKIP_CONFLICTS}: every row that is still current is
 * saved, the others are reported. A bulk action runs under {@code guard}: every selected row must still be at the
 * version the page showed (checked and locked in one query), or nothing happens.
 */
@Component
public class Bulk {
    private final Edits edits;

    public Bulk(Edits edits) {
        this.edits = edits;
    }

    /** One grid row as submitted: its key, token, and the inline fields' values. */
    public record GridRow(long id, String token, Map<String, Object> values) {
    }

    /** What a grid save did: how many rows were saved, and the refused rows with their current values. */
    public record GridResult(int saved, List<RecordModifiedException> stale) {
    }

    /**
     * The grid rows of a submitted list form: {@code row} names each row's key, {@code token_<key>} its token and
     * {@code <column>_<key>} its inline values.
     *
     * @throws ResponseStatusException 400 when a row key is not a row number
     * @throws InvalidTokenException 400 when a row, its token or one of its values comes more than once
     * @throws io.github.concurrency4j.demo.admin.InvalidInputException when a value cannot be parsed
     */
    public static List<GridRow> gridRows(AdminTable table, MultiValueMap<String, String> form) {
        List<GridRow> rows = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (String id : form.getOrDefault("row", List.of())) {
            long key = rowNumber(id);
            if (!seen.add(key)) {
                throw InvalidTokenException.duplicate(table.table(), key, "twice in the grid");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Field f : table.fields()) {
                if (f.inGrid()) {
                    values.put(f.column(), f.parse(only(table, key, form, f.column() + "_" + id)));
                }
            }
            rows.add(new GridRow(key, only(table, key, form, "token_" + id), values));
        }
        return rows;
    }

    private static long rowNumber(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The grid named the row \"" + shown
                    + "\", which is not a row number: nothing was saved. Reload the page and try again.");
        }
    }

    private static String only(AdminTable table, long key, MultiValueMap<String, String> form, String name) {
        List<String> values = form.getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw InvalidTokenException.duplicate(table.table(), key, values.size() + " values of " + name);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /** Saves the rows whose inline values changed, skipping (and reporting) the ones someone else changed. */
    public GridResult saveGrid(AdminTable table, List<GridRow> rows) {
        List<RowChange> changes = new ArrayList<>();
        for (GridRow row : rows) {
            VerifiedToken token = edits.verify(table, row.id(), row.token());
            Map<String, Object> changed = edits.changes(table, token, row.values());
            if (!changed.isEmpty()) {
                changes.add(RowChange.of(row.id(), token.version(), changed));
            }
        }
        if (changes.isEmpty()) {
            return new GridResult(0, List.of());
        }
        BulkResult result = table.engine().updateAll(changes, BulkPolicy.SKIP_CONFLICTS);
        return new GridResult(result.saved().size(), result.conflicts());
    }

    /**
     * Deletes the selected rows, or none of them.
     *
     * @throws io.github.concurrency4j.BulkConflictException naming every selected row that changed meanwhile
     */
    public int deleteSelected(AdminTable table, List<String> selection) {
        List<Identity> ids = identities(table, selection);
        VersionedTable engine = table.engine();
        return engine.guard(ids, connection -> engine.using(connection).deleteAll(ids, BulkPolicy.ABORT_ALL))
                .saved().size();
    }

    /**
     * Lowers the price of the selected rows by 10%, or of none of them.
     *
     * @throws io.github.concurrency4j.BulkConflictException naming every selected row that changed meanwhile
     */
    public int discountSelected(AdminTable table, List<String> selection) {
        List<Identity> ids = identities(table, selection);
        VersionedTable engine = table.engine();
        return engine.guard(ids, connection -> {
            // The guard has checked and locked the rows at the versions shown: reading them now reads those.
            VersionedTable locked = engine.using(connection);
            List<RowChange> discounts = new ArrayList<>();
            for (Identity id : ids) {
                Row row = locked.find(id.key()).orElseThrow();
                BigDecimal price = new BigDecimal(row.get("price").toString());
                discounts.add(RowChange.of(id, Map.of("price",
                        price.multiply(new BigDecimal("0.90")).setScale(2, RoundingMode.HALF_UP))));
            }
            return locked.updateAll(discounts, BulkPolicy.ABORT_ALL);
        }).saved().size();
    }

    private List<Identity> identities(AdminTable table, List<String> selection) {
        Map<String, VerifiedToken> byKey = new LinkedHashMap<>();
        for (String token : selection) {
            VerifiedToken t = edits.verifySelection(table, token);
            VerifiedToken before = byKey.putIfAbsent(t.key(), t);
            if (before != null) {
                throw InvalidTokenException.duplicate(table.table(), t.key(), before.version() == t.version()
                        ? "selected twice" : "selected at versions " + before.version() + " and " + t.version());
            }
        }
        return byKey.values().stream().map(t -> Identity.of(Long.parseLong(t.key()), t.version())).toList();
    }
}
