package io.github.concurrency4j.benchmarks;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.TableField;
import org.jooq.UniqueKey;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.Internal;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.jooq.impl.UpdatableRecordImpl;

import javax.sql.DataSource;

/**
 * The benchmarks' product table as jOOQ's code generator would describe it (written by hand: the tables are made at
 * run time, so there is no schema to generate from): a primary key and a record version field, which is what makes
 * {@code UpdatableRecord.store()} an optimistic write, {@code UPDATE ... SET version = ? WHERE id = ? AND version = ?}
 * that fails with {@code DataChangedException} when no row matched.
 */
final class JooqProducts {
    private JooqProducts() {
    }

    /** A {@link DSLContext} on the benchmark's own pool with optimistic locking on, as a jOOQ user would set it up. */
    static DSLContext dsl(DataSource pool, BenchmarkDatabase database) {
        Settings settings = new Settings()
                .withExecuteWithOptimisticLocking(true)
                // The benchmark tables are created with unquoted (case-folded) names, and H2 folds to upper case.
                .withRenderQuotedNames(RenderQuotedNames.NEVER);
        return DSL.using(pool, database == BenchmarkDatabase.H2 ? SQLDialect.H2 : SQLDialect.POSTGRES, settings);
    }

    /** A product table ({@code id, name, price, version}) under a given name. */
    static final class ProductTable extends TableImpl<ProductRecord> {
        final TableField<ProductRecord, Long> id = createField("id", SQLDataType.BIGINT.nullable(false), this);
        final TableField<ProductRecord, String> name = createField("name", SQLDataType.VARCHAR(100).nullable(false), this);
        final TableField<ProductRecord, Integer> price = createField("price", SQLDataType.INTEGER.nullable(false), this);
        final TableField<ProductRecord, Long> version = createField("version", SQLDataType.BIGINT.nullable(false), this);
        private final UniqueKey<ProductRecord> primaryKey = Internal.createUniqueKey(this, DSL.name("pk"), id);

        ProductTable(String tableName) {
            super(DSL.name(tableName));
        }

        @Override
        public Class<ProductRecord> getRecordType() {
            return ProductRecord.class;
        }

        @Override
        public UniqueKey<ProductRecord> getPrimaryKey() {
            return primaryKey;
        }

        @Override
        public TableField<ProductRecord, Long> getRecordVersion() {
            return version;
        }

        /**
         * A record for a row the user read at {@code version}, attached to {@code dsl}: only the fields set after this
         * call are written. This is how a jOOQ application saves a form without reading the row again.
         */
        ProductRecord row(DSLContext dsl, long key, long expectedVersion) {
            ProductRecord record = new ProductRecord(this);
            record.attach(dsl.configuration());
            record.set(id, key);
            record.set(version, expectedVersion);
            // Loaded state: the key is not a change (so store() updates rather than inserts), nor is the version.
            record.changed(false);
            return record;
        }
    }

    /** A row of a {@link ProductTable}. */
    static final class ProductRecord extends UpdatableRecordImpl<ProductRecord> {
        ProductRecord(ProductTable table) {
            super(table);
        }

        ProductTable table() {
            return (ProductTable) getTable();
        }

        long version() {
            return get(table().version);
        }
    }
}
