package io.github.concurrency4j.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.concurrency4j.spring.web.IfMatchHeader.EntityTag;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The If-Match grammar of RFC 9110 (13.1.1, 8.8.3), by property: every generated valid list parses to exactly the
 * tags it was built from, every generated malformed value is refused with the 400 exception, and no input at all
 * makes the parser throw anything else. Plus the inputs a lenient parser used to accept.
 */
class IfMatchHeaderTest {

    /** A valid field value and the tags it was rendered from. */
    record Rendered(String value, List<EntityTag> tags) {
    }

    @Property(tries = 500)
    void everyValidListParsesToTheTagsItWasBuiltFrom(@ForAll("validLists") Rendered list) {
        IfMatchHeader parsed = IfMatchHeader.parse(list.value());
        assertThat(parsed.any()).isFalse();
        assertThat(parsed.tags()).isEqualTo(list.tags());
    }

    @Property(tries = 500)
    void strongComparisonMatchesOnlyAnExactStrongTagOfTheVersion(@ForAll("validLists") Rendered list,
                                                                  @ForAll long version) {
        boolean exact = list.tags().stream().anyMatch(t -> !t.weak() && t.opaque().equals(Long.toString(version)));
        assertThat(IfMatchHeader.parse(list.value()).matches(version)).isEqualTo(exact);
    }

    @Property(tries = 200)
    void aTagForTheVersionMatchesOnlyInItsExactStrongForm(@ForAll("validLists") Rendered list,
                                                           @ForAll("nonNegative") long version) {
        String nearMisses = list.value() + ", W/\"" + version + "\", \"+" + version + "\", \"0" + version + "\"";
        assertThat(IfMatchHeader.parse(nearMisses).matches(version))
                .isEqualTo(IfMatchHeader.parse(list.value()).matches(version));
        assertThat(IfMatchHeader.parse(nearMisses + ", " + ETags.of(version)).matches(version)).isTrue();
    }

    @Property(tries = 500)
    void everyMalformedValueIsRefusedWithA400(@ForAll("malformedValues") String value) {
        Throwable thrown = catchThrowable(() -> IfMatchHeader.parse(value));
        assertThat(thrown).as("If-Match: %s", value).isInstanceOf(ConditionalRequestException.class);
        assertThat(((ConditionalRequestException) thrown).status()).isEqualTo(400);
    }

    @Property(tries = 2000)
    void noInputMakesTheParserThrowAnythingButThe400(@ForAll("anyValues") String value) {
        IfMatchHeader parsed;
        try {
            parsed = IfMatchHeader.parse(value);
        } catch (ConditionalRequestException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        // What parses, parses again the same from its own rendering.
        IfMatchHeader again = IfMatchHeader.parse(parsed.toString());
        assertThat(again.any()).isEqualTo(parsed.any());
        assertThat(again.tags()).isEqualTo(parsed.tags());
    }

    @Property(tries = 100)
    void starAloneWithWhitespaceIsAny(@ForAll("ows") String before, @ForAll("ows") String after) {
        assertThat(IfMatchHeader.parse(before + "*" + after).any()).isTrue();
    }

    @Example
    void numbersThatAreNotTheVersionsOwnSpellingDoNotMatch() {
        assertThat(IfMatchHeader.parse("\"+5\"").matches(5)).isFalse();
        assertThat(IfMatchHeader.parse("\"05\"").matches(5)).isFalse();
        assertThat(IfMatchHeader.parse("\"-0\"").matches(0)).isFalse();
        assertThat(IfMatchHeader.parse("W/\"5\"").matches(5)).isFalse();
        assertThat(IfMatchHeader.parse("\"5\"").matches(5)).isTrue();
        assertThat(IfMatchHeader.parse("\"99999999999999999999\"").versions()).isEmpty();
    }

    @Example
    void theInputsALenientParserAcceptedAreMalformed() {
        for (String value : List.of("\"5\"x", "\"stale\", *", "*, \"5\"", "5", "w/\"5\"", "\"5", "\"5\" \"6\"",
                "", " , ,", "**", "\"a b\"", "W/ \"5\"")) {
            assertThatThrownBy(() -> IfMatchHeader.parse(value)).as("If-Match: %s", value)
                    .isInstanceOf(ConditionalRequestException.class)
                    .satisfies(e -> assertThat(((ConditionalRequestException) e).status()).isEqualTo(400))
                    .hasMessageContaining("Nothing was written");
        }
    }

    @Example
    void listsMayHaveEmptyElementsAndSpacesAroundCommas() {
        IfMatchHeader parsed = IfMatchHeader.parse(" ,\"1\" ,\t, W/\"2\",\"3\", ");
        assertThat(parsed.tags()).containsExactly(new EntityTag(false, "1"), new EntityTag(true, "2"),
                new EntityTag(false, "3"));
        assertThat(parsed.versions()).containsExactly(1L, 3L);
    }

    // ----- generators

    @Provide
    Arbitrary<Long> nonNegative() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<String> ows() {
        return Arbitraries.strings().withChars(' ', '\t').ofMaxLength(3);
    }

    private static Arbitrary<String> opaque() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().withChars((char) 0x21).withCharRange((char) 0x23, (char) 0x7E)
                        .withCharRange((char) 0x80, (char) 0xFF).ofMaxLength(12));
    }

    private static Arbitrary<EntityTag> tag() {
        return Combinators.combine(Arbitraries.of(true, false),
                opaque()).as(EntityTag::new);
    }

    /** Between elements: a comma with optional whitespace, sometimes with empty elements (", ,"). */
    private static Arbitrary<String> separator() {
        return Arbitraries.of(",", ", ", " ,", " , ", ",\t", ", ,", ",,", " , , ");
    }

    @Provide
    Arbitrary<Rendered> validLists() {
        return tag().list().ofMinSize(1).ofMaxSize(6).flatMap(tags ->
                separator().list().ofSize(tags.size() + 1).flatMap(seps ->
                        Arbitraries.of(true, false).list().ofSize(2).map(edges -> {
                            StringBuilder sb = new StringBuilder();
                            if (edges.get(0)) {
                                sb.append(seps.get(tags.size()));
                            }
                            for (int i = 0; i < tags.size(); i++) {
                                if (i > 0) {
                                    sb.append(seps.get(i - 1));
                                }
                                sb.append(tags.get(i));
                            }
                            if (edges.get(1)) {
                                sb.append(seps.get(0));
                            }
                            return new Rendered(sb.toString(), tags);
                        })));
    }

    @Provide
    Arbitrary<String> malformedValues() {
        Arbitrary<Character> forbidden = Arbitraries.oneOf(
                Arbitraries.chars().range((char) 0, (char) 0x20),
                Arbitraries.just((char) 0x7F),
                Arbitraries.chars().range((char) 0x100, (char) 0xFFFF));
        return Arbitraries.oneOf(
                // A character outside etagc inside a tag.
                Combinators.combine(validLists(), forbidden, Arbitraries.integers().greaterOrEqual(0))
                        .as((list, c, at) -> insideTag(list, c, at)),
                // The last tag left unterminated.
                validLists().map(list -> {
                    int last = list.value().lastIndexOf('"');
                    return list.value().substring(0, last) + list.value().substring(last + 1);
                }),
                // "*" in a list.
                Combinators.combine(validLists(), Arbitraries.of("*, ", ", *", ", * ,")).as((list, star) ->
                        star.startsWith("*") ? star + list.value() : list.value() + star),
                // Two tags without a comma between them.
                Combinators.combine(tag(), tag(), Arbitraries.of("", " ", "\t")).as((a, b, gap) -> a + gap + b),
                // Lower-case weak prefix, unquoted tags, text after a tag.
                tag().map(t -> "w/\"" + t.opaque() + "\""),
                opaque().filter(o -> !o.isEmpty() && !o.equals("*")).map(o -> o),
                Combinators.combine(tag(), Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(3))
                        .as((t, junk) -> t + junk),
                // Nothing but separators.
                Arbitraries.strings().withChars(',', ' ', '\t').ofMaxLength(6));
    }

    private static String insideTag(Rendered list, char c, int at) {
        String value = list.value();
        List<Integer> opens = new ArrayList<>();
        boolean inside = false;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '"') {
                if (!inside) {
                    opens.add(i);
                }
                inside = !inside;
            }
        }
        int open = opens.get(at % opens.size());
        int close = value.indexOf('"', open + 1);
        int position = open + 1 + at % (close - open);
        return value.substring(0, position) + c + value.substring(position);
    }

    @Provide
    Arbitrary<String> anyValues() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars('"', 'W', 'w', '/', '*', ',', ' ', '\t', '0', '1', '+', '-', 'x',
                        (char) 0xFF, (char) 0x7F).ofMaxLength(24),
                malformedValues(),
                validLists().map(Rendered::value));
    }
}
