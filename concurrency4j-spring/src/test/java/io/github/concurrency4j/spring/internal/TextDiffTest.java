package io.github.concurrency4j.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.concurrency4j.spring.web.DiffSegment;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The conflict page's word diff: exact for ordinary fields, bounded work for any input. */
class TextDiffTest {

    @Test
    void wordChangesAreMarkedBetweenKeptText() {
        assertThat(TextDiff.segments("red and round, sweet", "red and round, sour")).containsExactly(
                new DiffSegment("red and round, ", DiffSegment.Kind.SAME),
                new DiffSegment("sweet", DiffSegment.Kind.REMOVED),
                new DiffSegment("sour", DiffSegment.Kind.ADDED));
    }

    @Test
    void segmentsRebuildBothTextsForRandomEdits() {
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            String theirs = words(random, random.nextInt(60));
            String yours = mutate(random, theirs);
            List<DiffSegment> diff = TextDiff.segments(theirs, yours);
            assertThat(rebuild(diff, DiffSegment.Kind.ADDED)).as("theirs of case %d", i).isEqualTo(theirs);
            assertThat(rebuild(diff, DiffSegment.Kind.REMOVED)).as("yours of case %d", i).isEqualTo(yours);
        }
    }

    @Test
    void megabyteFieldsThatDifferEverywhereAreDiffedWithoutPinningACore() {
        // The 2 MB form limit allows two 1 MB values; a word diff of them was hours of CPU per request.
        Random random = new Random(7);
        String theirs = words(random, 230_000);
        String yours = words(random, 230_000);
        assertThat(theirs.length()).isGreaterThan(1_000_000);

        List<DiffSegment> diff = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> TextDiff.segments(theirs, yours));

        assertThat(rebuild(diff, DiffSegment.Kind.ADDED)).isEqualTo(theirs);
        assertThat(rebuild(diff, DiffSegment.Kind.REMOVED)).isEqualTo(yours);
    }

    @Test
    void aSmallEditInsideAHugeFieldIsStillShownExactly() {
        Random random = new Random(11);
        String head = words(random, 100_000);
        String tail = words(random, 100_000);
        String theirs = head + " old " + tail;
        String yours = head + " new " + tail;

        List<DiffSegment> diff = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> TextDiff.segments(theirs, yours));

        assertThat(diff).extracting(DiffSegment::kind).containsExactly(DiffSegment.Kind.SAME,
                DiffSegment.Kind.REMOVED, DiffSegment.Kind.ADDED, DiffSegment.Kind.SAME);
        assertThat(diff.get(1).text()).isEqualTo("old");
        assertThat(diff.get(2).text()).isEqualTo("new");
    }

    /** The text left when the segments of one kind are dropped: without ADDED, theirs; without REMOVED, yours. */
    @Test
    void aPageStopsDiffingFinelyWhenItsBudgetIsSpentButStillShowsEveryText() {
        TextDiff.Budget page = new TextDiff.Budget(10);

        List<DiffSegment> first = TextDiff.segments("a b c", "a x c", page);   // 1 + 1 words differ: fine
        List<DiffSegment> second = TextDiff.segments("one two three four five six", "six five four three two one",
                page);

        assertThat(first).extracting(DiffSegment::text).containsExactly("a ", "b", "x", " c");
        assertThat(second).extracting(DiffSegment::kind).containsExactly(DiffSegment.Kind.REMOVED,
                DiffSegment.Kind.ADDED);
        assertThat(rebuild(second, DiffSegment.Kind.ADDED)).isEqualTo("one two three four five six");
    }

    private static String rebuild(List<DiffSegment> diff, DiffSegment.Kind without) {
        StringBuilder b = new StringBuilder();
        diff.stream().filter(s -> s.kind() != without).forEach(s -> b.append(s.text()));
        return b.toString();
    }

    private static String words(Random random, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(random.nextInt(10) == 0 ? ", " : " ");
            }
            b.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return b.toString();
    }

    private static String mutate(Random random, String text) {
        StringBuilder b = new StringBuilder(text);
        for (int edits = random.nextInt(4); edits > 0 && b.length() > 0; edits--) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(3)) {
                case 0 -> b.insert(at, " " + WORDS[random.nextInt(WORDS.length)]);
                case 1 -> b.delete(at, Math.min(b.length(), at + random.nextInt(8)));
                default -> b.setCharAt(at, 'x');
            }
        }
        return b.toString();
    }

    private static final String[] WORDS = {"red", "and", "round", "sweet", "sour", "apple", "pear", "green", "oak",
            "shelf", "desk", "lamp", "é", "日本", "42", "-", "x_y"};
}
