package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.Identity;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.token.VerifiedToken;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The list page's grid and bulk actions.
 *
 * <p>The grid saves every row that is still current and names the others (each row is its own checked write).
 * A bulk action is guarded: every selected row must still be at the version the page showed, or nothing happens.
 */
@Component
public class Bulk {
    private final Edits edits;
    private final TransactionTemplate transactions;

    public Bulk(Edits edits, TransactionTemplate transactions) {
        this.edits = edits;
        this.transactions = transactions;
    }

    /** What a grid save did. */
    public record GridResult(int saved, List<String> stale, List<Long> staleIds) {
    }

    /** One grid row as submitted: its key, token, and the inline fields' values. */
    public record GridRow(long id, String token, Map<String, Object> values) {
    }

    /**
     * Saves the rows whose inline values changed; a row changed by someone else since the page was loaded is
     * skipped and named, the others are saved.
     */
    public GridResult saveGrid(AdminTable table, List<GridRow> rows) {
        int saved = 0;
        List<String> stale = new ArrayList<>();
        List<Long> staleIds = new ArrayList<>();
        for (GridRow row : rows) {
            VerifiedToken token = edits.verify(table, row.id(), row.token());
            Set<String> changed = edits.changedFields(table, token, row.values());
            if (changed.isEmpty()) {
                continue;
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            changed.forEach(c -> changes.put(c, row.values().get(c)));
            try {
                table.update(row.id(), token.version(), changes);
                saved++;
            } catch (RecordModifiedException e) {
                stale.add(e.currentRow().map(table::label).orElse(table.singular() + " " + row.id())
                        + " (#" + row.id() + ")");
                staleIds.add(row.id());
            }
        }
        return new GridResult(saved, stale, staleIds);
    }

    /** Deletes the selected rows, or none of them. */
    public int deleteSelected(AdminTable table, List<String> selection) {
        return guarded(table, selection, (engine, id) -> engine.delete(id.key(), id.version()));
    }

    /** Lowers the price of the selected rows by 10%, or of none of them. */
    public int discountSelected(AdminTable table, List<String> selection) {
        Field price = table.fields().stream().filter(f -> f.column().equals("price")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(table.title() + " have no price"));
        return guarded(table, selection, (engine, id) -> {
            Row row = engine.find(id.key(), id.version())
                    .orElseThrow(() -> changed(engine, id));
            BigDecimal now = new BigDecimal(row.get(price.column()).toString());
            engine.update(id.key(), id.version(),
                    Map.of(price.column(), now.multiply(new BigDecimal("0.90")).setScale(2, RoundingMode.HALF_UP)));
        });
    }

    /**
     * Runs the action on every selected row in one transaction; each write is checked against the version the
     * page showed, so one row changed by someone else rolls the whole action back.
     *
     * @throws RecordModifiedException naming the first row found changed; nothing was written
     */
    private int guarded(AdminTable table, List<String> selection, BiConsumer<VersionedTable, Identity> action) {
        List<Identity> ids = selection.stream()
                .map(token -> edits.verifySelection(table, token))
                .map(t -> Identity.of(Long.parseLong(t.key()), t.version()))
                .toList();
        VersionedTable engine = table.engine();
        transactions.executeWithoutResult(tx -> ids.forEach(id -> action.accept(engine, id)));
        return ids.size();
    }

    private static RecordModifiedException changed(VersionedTable engine, Identity id) {
        return new RecordModifiedException(engine.name(), id.key(), id.version(), engine.find(id.key()).orElse(null),
                Map.of(), "update");
    }
}
