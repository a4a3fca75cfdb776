package io.github.concurrency4j.demo.product;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.VersionedTable;
import io.github.concurrency4j.demo.admin.AdminTable;
import io.github.concurrency4j.demo.admin.Field;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Products through JPA. The classic bug lives here: load the entity, copy the form onto it, save — and Hibernate
 * checks against the version it has just loaded, so a stale form silently wins. This class makes the version the
 * user saw the one that counts.
 */
@Component
public class ProductTable implements AdminTable {
    private static final List<Field> FIELDS = List.of(
            Field.text("sku", "SKU"),
            Field.text("name", "Name"),
            Field.longText("description", "Description"),
            Field.money("price", "Price").editedInGrid(),
            Field.integer("stock", "Stock").editedInGrid());

    private final ProductRepository products;
    private final TransactionTemplate transactions;
    private final VersionedTable engine;

    public ProductTable(ProductRepository products, TransactionTemplate transactions, Concurrency concurrency) {
        this.products = products;
        this.transactions = transactions;
        this.engine = concurrency.table("product");
    }

    @Override
    public String table() {
        return "product";
    }

    @Override
    public String path() {
        return "products";
    }

    @Override
    public String title() {
        return "Products";
    }

    @Override
    public String singular() {
        return "product";
    }

    @Override
    public String versioning() {
        return "JPA entity, @Version (auto-increment)";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public Map<String, String> bulkActions() {
        return Map.of("discount", "Apply 10% discount");
    }

    @Override
    public List<Row> list() {
        return products.findAll(org.springframework.data.domain.Sort.by("id")).stream()
                .map(ProductTable::toRow)
                .toList();
    }

    @Override
    public Optional<Row> find(long id) {
        return products.findById(id).map(ProductTable::toRow);
    }

    @Override
    public long update(long id, long expectedVersion, Map<String, Object> changes) {
        try {
            return transactions.execute(tx -> {
                Product product = loadAt(id, expectedVersion, changes, "update");
                changes.forEach((column, value) -> apply(product, column, value));
                // The flush's UPDATE ... WHERE version = ? carries the version checked above, so a save that
                // commits between our read and this flush is caught by Hibernate too.
                products.saveAndFlush(product);
                return product.getVersion();
            });
        } catch (ObjectOptimisticLockingFailureException e) {
            throw conflict(id, expectedVersion, changes, "update");
        }
    }

    @Override
    public void delete(long id, long expectedVersion) {
        try {
            transactions.executeWithoutResult(tx -> {
                products.delete(loadAt(id, expectedVersion, Map.of(), "delete"));
                products.flush();
            });
        } catch (ObjectOptimisticLockingFailureException e) {
            throw conflict(id, expectedVersion, Map.of(), "delete");
        }
    }

    @Override
    public VersionedTable engine() {
        return engine;
    }

    /**
     * The managed entity, if it is still at the version the user saw. Hibernate ignores a version copied onto a
     * managed entity, so the comparison has to be made here.
     */
    private Product loadAt(long id, long expectedVersion, Map<String, Object> changes, String operation) {
        Product product = products.findById(id).orElse(null);
        if (product == null || product.getVersion() != expectedVersion) {
            throw conflict(id, expectedVersion, changes, operation);
        }
        return product;
    }

    private RecordModifiedException conflict(long id, long expectedVersion, Map<String, Object> changes,
                                             String operation) {
        // Read through the engine, outside the failed transaction: what the row holds now.
        Row current = engine.find(id).orElse(null);
        return new RecordModifiedException("product", id, expectedVersion, current, changes, operation);
    }

    private static void apply(Product product, String column, Object value) {
        switch (column) {
            case "sku" -> product.setSku((String) value);
            case "name" -> product.setName((String) value);
            case "description" -> product.setDescription((String) value);
            case "price" -> product.setPrice((BigDecimal) value);
            case "stock" -> product.setStock((Integer) value);
            default -> throw new IllegalArgumentException("Products have no editable column '" + column + "'");
        }
    }

    static Row toRow(Product p) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", p.getId());
        values.put("sku", p.getSku());
        values.put("name", p.getName());
        values.put("description", p.getDescription());
        values.put("price", p.getPrice());
        values.put("stock", p.getStock());
        values.put("supplier_id", p.getSupplierId());
        values.put("version", p.getVersion());
        return new Row(p.getId(), p.getVersion(), values);
    }
}
