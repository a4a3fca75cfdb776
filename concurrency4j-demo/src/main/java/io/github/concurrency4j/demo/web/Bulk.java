package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.BulkPolicy;
import io.github.concurrency4j.BulkResult;
import io.github.concurrency4j.Identity;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.RowChange;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import io.github.concurrency4j.spring.web.RowVersions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The list page's grid and bulk actions, on the starter's {@link RowVersions} (resolved by {@code @RowTokens}) and
 * the core engine's bulk API: what docs/spring.md ("Bulk: list-editable grids and guarded actions") teaches.
 *
 * <p>The grid is one {@link RowVersions#updateAll} under {@link BulkPolicy#SKIP_CONFLICTS}: every edited row that is
 * still current is saved, the others are reported. A bulk action runs under {@link RowVersions#guard}: every
 * selected row must still be at the version the page showed (checked and locked in one query), or nothing happens.
 */
@Component
public class Bulk {

    /** The columns the list page edits inline, in page order. */
    public static String[] gridColumns(AdminTable table) {
        return table.fields().stream().filter(Field::inGrid).map(Field::column).toArray(String[]::new);
    }

    /**
     * Saves the grid cells the user changed, skipping (and reporting) the rows someone else changed meanwhile.
     * Each cell is parsed by its field's rule before it is compared with the value the row showed, so a price shown
     * as "10.00" and left alone is no change.
     *
     * @param parameters the submitted form; cells are named {@code column[key]}
     * @throws io.github.concurrency4j.demo.admin.InvalidInputException when a cell is not a valid value; nothing
     *     was saved
     * @throws io.github.concurrency4j.token.InvalidTokenException 400 when a row or a cell comes twice
     */
    public BulkResult saveGrid(AdminTable table, RowVersions rows, Map<String, String[]> parameters) {
        Map<String, Field> fields = table.fields().stream().filter(Field::inGrid)
                .collect(Collectors.toMap(Field::column, Function.identity()));
        Map<String, Map<String, Object>> changes = rows.changesFrom(parameters,
                (column, text) -> fields.get(column).parse(text), gridColumns(table));
        return rows.updateAll(table.engine(), changes, BulkPolicy.SKIP_CONFLICTS);
    }

    /**
     * Deletes the selected rows, or none of them.
     *
     * @throws io.github.concurrency4j.BulkConflictException naming every selected row that changed meanwhile
     */
    public int deleteSelected(AdminTable table, RowVersions selected) {
        VersionedTable engine = table.engine();
        return selected.guard(engine, connection ->
                engine.using(connection).deleteAll(selected.identities(), BulkPolicy.ABORT_ALL)).saved().size();
    }

    /**
     * Lowers the price of the selected rows by 10%, or of none of them.
     *
     * @throws io.github.concurrency4j.BulkConflictException naming every selected row that changed meanwhile
     */
    public int discountSelected(AdminTable table, RowVersions selected) {
        VersionedTable engine = table.engine();
        return selected.guard(engine, connection -> {
            // The guard has checked and locked the rows at the versions shown: reading them now reads those.
            VersionedTable locked = engine.using(connection);
            List<RowChange> discounts = new ArrayList<>();
            for (Identity id : selected.identities()) {
                Row row = locked.find(id.key()).orElseThrow();
                BigDecimal price = new BigDecimal(row.get("price").toString());
                discounts.add(RowChange.of(id, Map.of("price",
                        price.multiply(new BigDecimal("0.90")).setScale(2, RoundingMode.HALF_UP))));
            }
            return locked.updateAll(discounts, BulkPolicy.ABORT_ALL);
        }).saved().size();
    }
}
