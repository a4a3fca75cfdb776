package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.token.VerifiedToken;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

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
        return selection.stream()
                .map(token -> edits.verifySelection(table, token))
                .map(t -> Identity.of(Long.parseLong(t.key()), t.version()))
                .toList();
    }
}
