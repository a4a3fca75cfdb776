package io.github.concurrency4j.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.TokenPurpose;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Binding a list-editable form's rows: whatever rows are shown and edited, {@link RowVersions#changesFrom} returns
 * exactly the edited cells with the values submitted for them, never an untouched row or cell and never a row the
 * form carried no token for; a row submitted twice, by token or by value, is refused.
 */
class RowTokensBindingProperties {
    private static final VersionTokens TOKENS = VersionTokens.ofStrings(List.of("binding-secret-0123456789abcdef"));
    private static final String[] FIELDS = {"name", "price"};

    /** A shown row: its key, version, original values, and what the user typed. */
    record Shown(long key, long version, String name, String price, String typedName, String typedPrice) {
        VerifiedToken token() {
            Map<String, Object> original = new LinkedHashMap<>();
            original.put("name", name);
            original.put("price", price);
            return TOKENS.verify(TOKENS.sign(TokenPurpose.GRID_ROW, "product", key, version, original),
                    TokenPurpose.GRID_ROW, "product");
        }
    }

    @Provide
    Arbitrary<List<Shown>> grids() {
        Arbitrary<String> values = Arbitraries.strings().withChars("ab1.0 ").ofMaxLength(4);
        Arbitrary<Shown> row = Combinators.combine(Arbitraries.longs().between(1, 40),
                Arbitraries.longs().between(1, 5), values, values, values, values).as(Shown::new);
        return row.list().ofMaxSize(8).uniqueElements(Shown::key);
    }

    private static Map<String, String[]> form(List<Shown> rows) {
        Map<String, String[]> form = new LinkedHashMap<>();
        for (Shown r : rows) {
            form.put("name[" + r.key() + "]", new String[] {r.typedName()});
            form.put("price[" + r.key() + "]", new String[] {r.typedPrice()});
        }
        return form;
    }

    @Property(tries = 250)
    void changesAreExactlyTheEditedCellsWithTheirSubmittedValues(@ForAll("grids") List<Shown> rows,
                                                                 @ForAll long strayKey) {
        RowVersions versions = new RowVersions("product", rows.stream().map(Shown::token).toList(), false);
        Map<String, String[]> form = form(rows);
        if (rows.stream().noneMatch(r -> r.key() == strayKey)) {
            // Values for a row the form carried no token for: never turned into a change.
            form.put("name[" + strayKey + "]", new String[] {"stray"});
        }

        Map<String, Map<String, Object>> changes = versions.changesFrom(form, FIELDS);

        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        for (Shown r : rows) {
            // Only the cells the user changed, and only rows with one (the forms' rule).
            Map<String, Object> cells = new LinkedHashMap<>();
            if (!r.name().equals(r.typedName())) {
                cells.put("name", r.typedName());
            }
            if (!r.price().equals(r.typedPrice())) {
                cells.put("price", r.typedPrice());
            }
            if (!cells.isEmpty()) {
                expected.put(String.valueOf(r.key()), cells);
            }
        }
        assertThat(changes).isEqualTo(expected);
        assertThat(versions.identities()).extracting(i -> i.version())
                .containsExactlyElementsOf(rows.stream().map(Shown::version).toList());
    }

    @Property(tries = 250)
    void aRowWhoseTokenComesTwiceIsRefusedWhateverTheVersions(@ForAll("grids") List<Shown> rows,
                                                             @ForAll @IntRange(min = 0, max = 100) int which,
                                                             @ForAll @IntRange(min = 1, max = 9) long otherVersion) {
        if (rows.isEmpty()) {
            return;
        }
        Shown twice = rows.get(which % rows.size());
        List<VerifiedToken> tokens = new ArrayList<>(rows.stream().map(Shown::token).toList());
        Shown again = new Shown(twice.key(), otherVersion, twice.name(), twice.price(), twice.typedName(),
                twice.typedPrice());
        tokens.add(which % (tokens.size() + 1), again.token());

        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> new RowVersions("product", tokens, false));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.DUPLICATE);
        assertThat(e.getMessage()).contains("product " + twice.key(), "submitted more than once",
                "nothing was written");
    }

    @Property(tries = 250)
    void aFieldSubmittedTwiceIsRefused(@ForAll("grids") List<Shown> rows,
                                       @ForAll @IntRange(min = 0, max = 100) int which) {
        if (rows.isEmpty()) {
            return;
        }
        Shown r = rows.get(which % rows.size());
        RowVersions versions = new RowVersions("product", rows.stream().map(Shown::token).toList(), false);
        Map<String, String[]> form = form(rows);
        form.put("price[" + r.key() + "]", new String[] {r.typedPrice(), r.price()});

        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class,
                () -> versions.changesFrom(form, FIELDS));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.DUPLICATE);
        assertThat(e.getMessage()).contains("2 values of price");
    }
}
