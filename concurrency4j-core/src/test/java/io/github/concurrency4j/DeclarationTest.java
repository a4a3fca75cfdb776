package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.testing.AllDatabases;
import io.github.concurrency4j.testing.TestDatabase;
import java.util.Map;

/** Bad declarations and bad input: a clear exception, and the database unchanged. */
class DeclarationTest {

    @AllDatabases
    void unknownTableIsRefusedAtBuildNamingTheTable(TestDatabase db) {
        assertThatThrownBy(() -> Concurrency.builder(db.dataSource()).table("no_such_table_c4j").build())
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("Table 'no_such_table_c4j' does not exist")
                .hasMessageContaining(db.name());
    }

    @AllDatabases
    void missingKeyOrVersionColumnIsRefusedNamingTheColumn(TestDatabase db) {
        String t = Fixtures.productTable(db);
        assertThatThrownBy(() -> Concurrency.builder(db.dataSource()).table(t, d -> d.version("revision")).build())
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("Table '" + t + "' has no column 'revision'")
                .hasMessageContaining("version column")
                .hasMessageContaining("price");
        assertThatThrownBy(() -> Concurrency.builder(db.dataSource()).table(t, d -> d.key("sku")).build())
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("no column 'sku'").hasMessageContaining("key column");
        assertThatThrownBy(() -> Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version", VersionStrategy.conditional().checkFields("colour"))).build())
                .isInstanceOf(DeclarationException.class).hasMessageContaining("no column 'colour'");
    }

    @org.junit.jupiter.api.Test
    void aTableDeclaredTwiceIsRefusedSayingHowToDeclareItOnce() {
        assertThatThrownBy(() -> Concurrency.builder(new org.h2.jdbcx.JdbcDataSource()).table("product")
                .table("PRODUCT", t -> t.key("id")))
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("Table 'PRODUCT' is declared twice")
                .hasMessageContaining("Declare each table once, with all of its settings in one .table(\"PRODUCT\"")
                .hasMessageContaining("concurrency4j.tables.PRODUCT.* or in a ConcurrencyConfigurer, not in both");
    }

    /** A text version column was accepted at build, and every read and write then failed with a driver message. */
    @AllDatabases
    void aVersionColumnThatIsNotANumberIsRefusedAtBuildNamingItsType(TestDatabase db) {
        String t = db.createTable("textver", "id " + db.keyType() + " PRIMARY KEY, name VARCHAR(20), "
                + "version VARCHAR(20)");
        db.execute("INSERT INTO " + t + " (id, name, version) VALUES (1, 'apple', 'abc')");

        assertThatThrownBy(() -> Concurrency.builder(db.dataSource()).table(t).build())
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("Table '" + t + "' declares 'version' as its version column, but that column "
                        + "is of type VARCHAR")
                .hasMessageContaining("Make it a BIGINT column");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t + " WHERE name = 'apple' AND version = 'abc'"))
                .isEqualTo(1);
    }

    /**
     * A value the column cannot take: the message says nothing was saved and what to pass instead, and the row is
     * unchanged. (SQLite stores any value in any column, so it has no such failure.)
     */
    @AllDatabases
    void aValueOfTheWrongTypeIsRefusedSayingNothingWasSavedAndWhatToPass(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Concurrency.builder(db.dataSource()).table(t).build().table(t);
        if (db.name().equals("sqlite")) {
            return;
        }
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("price", "twelve")))
                .isInstanceOf(StatementFailedException.class)
                .hasMessageContaining("Could not update " + t + " 1")
                .hasMessageMatching("(?s).*nothing of it was (saved|written).*")
                .hasMessageContaining("Integer or Long for an integer column");
        Row row = products.find(1).orElseThrow();
        assertThat(row.version()).isEqualTo(1);
        assertThat(((Number) row.get("price")).intValue()).isEqualTo(10);
    }

    @AllDatabases
    void injectedIdentifierIsRefusedBeforeAnySqlRuns(TestDatabase db) {
        String t = Fixtures.productTable(db);
        String evil = t + "; DROP TABLE " + t;

        assertThatThrownBy(() -> Concurrency.builder(db.dataSource()).table(evil).build())
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("is not a valid table name")
                .hasMessageContaining("Nothing was run");
        assertThatThrownBy(() -> Concurrency.builder(db.dataSource())
                .table(t, d -> d.version("version\" = 0 --")).build())
                .isInstanceOf(DeclarationException.class).hasMessageContaining("not a valid version column name");

        VersionedTable products = Concurrency.builder(db.dataSource()).table(t).build().table(t);
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("price = 0, name", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no column 'price = 0, name'");
        assertThat(db.queryLong("SELECT COUNT(*) FROM " + t)).isEqualTo(2);
        assertThat(products.find(1).orElseThrow().version()).isEqualTo(1);
    }

    @AllDatabases
    void nullKeyMalformedKeyAndForbiddenColumnsAreRefusedAndNothingIsWritten(TestDatabase db) {
        String t = Fixtures.productTable(db);
        Concurrency c = Concurrency.builder(db.dataSource()).table(t).build();
        VersionedTable products = c.table(t);

        assertThatThrownBy(() -> products.update(null, 1L, Map.of("price", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> products.find(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> products.update("1 OR 1=1", 1L, Map.of("price", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a number");
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("version", 7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version column");
        assertThatThrownBy(() -> products.update(1, 1L, Map.of("id", 7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key column");
        assertThatThrownBy(() -> c.table("nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No versioned table 'nope'");

        Row row = products.find(1).orElseThrow();
        assertThat(row.version()).isEqualTo(1);
        assertThat(((Number) row.get("price")).intValue()).isEqualTo(10);
    }

    @AllDatabases
    void namesMatchWhateverCaseTheDatabaseStores(TestDatabase db) {
        String t = Fixtures.productTable(db);
        VersionedTable products = Concurrency.builder(db.dataSource())
                .table(t.toUpperCase(), d -> d.key("ID").version("Version")).build().table(t);
        assertThat(products.update(1, 1L, Map.of("PRICE", 12))).isEqualTo(2);
        assertThat(products.find(1).orElseThrow().get("price")).isNotNull();
    }

    @org.junit.jupiter.api.Test
    void contradictoryOrMisplacedStrategyOptionsAreRefused() {
        assertThatThrownBy(() -> VersionStrategy.conditional().checkFields("a").ignoreFields("b"))
                .isInstanceOf(DeclarationException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> VersionStrategy.conditional().ignoreFields("b").checkFields("a"))
                .isInstanceOf(DeclarationException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> VersionStrategy.autoIncrement().checkFields("a"))
                .isInstanceOf(DeclarationException.class).hasMessageContaining("only to VersionStrategy.conditional()");
        assertThatThrownBy(() -> VersionStrategy.conditional().checkFields())
                .isInstanceOf(DeclarationException.class).hasMessageContaining("at least one column");
    }

    @org.junit.jupiter.api.Test
    void compositeKeysAreRefusedWithAnExplanation() {
        assertThatThrownBy(() -> new TableDeclaration("order_line").key("order_id", "line_no"))
                .isInstanceOf(DeclarationException.class)
                .hasMessageContaining("single-column keys only");
    }
}
