package io.github.concurrency4j.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.concurrency4j.token.TokenPurpose;
import io.github.concurrency4j.token.VersionTokens;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A grid of typed columns: a DECIMAL(10, 2) price is shown as "10.00", which is the same number as the 10.00 the
 * token vouches for but not the same text. Parsed with the table's own rule, an untouched cell is no change, a
 * typed one comes back as the parsed value, and a cell the parser refuses stops the whole save.
 */
class RowVersionsTypedCellsTest {
    private static final VersionTokens TOKENS = VersionTokens.ofStrings(List.of("typed-cells-secret-0123456789ab"));

    private static RowVersions grid(long... keys) {
        return new RowVersions("product", java.util.Arrays.stream(keys).mapToObj(k -> {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("price", new BigDecimal("10.00"));
            shown.put("stock", 4);
            shown.put("note", null);
            return TOKENS.verify(TOKENS.sign(TokenPurpose.GRID_ROW, "product", k, 1, shown), TokenPurpose.GRID_ROW,
                    "product");
        }).toList(), false);
    }

    private static Object parse(String field, String text) {
        return switch (field) {
            case "price" -> new BigDecimal(text.strip()).setScale(2);
            case "stock" -> Integer.valueOf(text.strip());
            default -> text;
        };
    }

    @Test
    void untouchedDecimalCellsShownWithTheirScaleAreNoChange() {
        Map<String, String[]> form = Map.of(
                "price[1]", new String[] {"10.00"}, "stock[1]", new String[] {"4"},
                "price[2]", new String[] {"12.50"}, "stock[2]", new String[] {"4"});

        Map<String, Map<String, Object>> changes = grid(1, 2).changesFrom(form, RowVersionsTypedCellsTest::parse,
                "price", "stock");

        assertThat(changes).containsOnlyKeys("2");
        assertThat(changes.get("2")).containsExactly(Map.entry("price", new BigDecimal("12.50")));
    }

    @Test
    void withoutAParserTheSameNumberInOtherTextCountsAsAChange() {
        // The text rule: "10.00" is not the text of the number 10.00 as tokens compare it ("10").
        Map<String, String[]> form = Map.of("price[1]", new String[] {"10.00"});
        assertThat(grid(1).changesFrom(form, "price")).containsOnlyKeys("1");
    }

    @Test
    void aBlankCellForANullIsStillNoChangeAfterParsing() {
        Map<String, String[]> form = Map.of("note[1]", new String[] {"  "});
        assertThat(grid(1).changesFrom(form, (field, text) -> text.isBlank() ? null : text, "note")).isEmpty();
    }

    @Test
    void aCellTheParserRefusesStopsTheWholeSave() {
        Map<String, String[]> form = Map.of("price[1]", new String[] {"12.00"}, "stock[2]", new String[] {"many"});
        assertThatThrownBy(() -> grid(1, 2).changesFrom(form, RowVersionsTypedCellsTest::parse, "price", "stock"))
                .isInstanceOf(NumberFormatException.class);
    }
}
