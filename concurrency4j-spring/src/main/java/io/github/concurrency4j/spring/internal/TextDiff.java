package io.github.concurrency4j.spring.internal;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import io.github.concurrency4j.spring.web.DiffSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level diff of the stored value against the user's, by java-diff-utils, with bounded work for any input.
 *
 * <p>A word diff costs time proportional to the product of the two texts' lengths in the worst case, and a form
 * field may hold megabytes: one request with one genuine stale token could pin a core for hours. So the common
 * beginning and end are taken off first (linear), which is all a typical edit leaves to compare; what remains is
 * diffed word by word only up to {@value #MAX_WORD_DIFF_TOKENS} words, else line by line up to
 * {@value #MAX_LINE_DIFF_LINES} lines, else shown as one removed and one added block. A page shows many fields, so
 * the fine diffs of one page share a {@link Budget} ({@value #MAX_TOKENS_PER_PAGE} words or lines in all); once
 * it is spent, the remaining fields get the coarse form. The segments always rebuild both texts exactly; only how
 * finely the changed middle is marked depends on its size.
 */
public final class TextDiff {
    /** The most words (and the spaces and punctuation between them), both sides together, diffed word by word. */
    public static final int MAX_WORD_DIFF_TOKENS = 4_000;
    /** The most lines, both sides together, diffed line by line when the word diff is over its cap. */
    public static final int MAX_LINE_DIFF_LINES = 4_000;
    /** The most words or lines one conflict page diffs finely, over all its fields. */
    public static final int MAX_TOKENS_PER_PAGE = 16_000;

    /** The fine-diff work one page may still spend, in words or lines: one per page, not thread-safe. */
    public static final class Budget {
        private long remaining;

        /** A budget of {@value #MAX_TOKENS_PER_PAGE}, for one page. */
        public Budget() {
            this(MAX_TOKENS_PER_PAGE);
        }

        Budget(long remaining) {
            this.remaining = remaining;
        }

        boolean take(int tokens) {
            if (tokens > remaining) {
                return false;
            }
            remaining -= tokens;
            return true;
        }
    }

    private static final Pattern WORDS = Pattern.compile("\\s+|[\\p{L}\\p{N}_]+|[^\\s\\p{L}\\p{N}_]");
    private static final Pattern LINES = Pattern.compile("[^\\n]*\\n|[^\\n]+");

    private TextDiff() {
    }

    /** The segments that turn {@code theirs} into {@code yours}: kept, removed (theirs only) and added (yours only). */
    public static List<DiffSegment> segments(String theirs, String yours) {
        return segments(theirs, yours, new Budget());
    }

    /** As {@link #segments(String, String)}, spending the fine diff's work from a page's budget. */
    public static List<DiffSegment> segments(String theirs, String yours, Budget budget) {
        List<String> a = tokens(WORDS, theirs == null ? "" : theirs);
        List<String> b = tokens(WORDS, yours == null ? "" : yours);
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<String> middleA = a.subList(prefix, a.size() - suffix);
        List<String> middleB = b.subList(prefix, b.size() - suffix);
        List<DiffSegment> out = new ArrayList<>();
        add(out, DiffSegment.Kind.SAME, a.subList(0, prefix));
        int words = middleA.size() + middleB.size();
        if (words <= MAX_WORD_DIFF_TOKENS && budget.take(words)) {
            diff(out, middleA, middleB);
        } else {
            List<String> linesA = tokens(LINES, String.join("", middleA));
            List<String> linesB = tokens(LINES, String.join("", middleB));
            int lines = linesA.size() + linesB.size();
            if (lines <= MAX_LINE_DIFF_LINES && budget.take(lines)) {
                diff(out, linesA, linesB);
            } else {
                add(out, DiffSegment.Kind.REMOVED, middleA);
                add(out, DiffSegment.Kind.ADDED, middleB);
            }
        }
        add(out, DiffSegment.Kind.SAME, a.subList(a.size() - suffix, a.size()));
        return out;
    }

    private static void diff(List<DiffSegment> out, List<String> a, List<String> b) {
        Patch<String> patch = DiffUtils.diff(a, b);
        int pos = 0;
        for (AbstractDelta<String> d : patch.getDeltas()) {
            add(out, DiffSegment.Kind.SAME, a.subList(pos, d.getSource().getPosition()));
            add(out, DiffSegment.Kind.REMOVED, d.getSource().getLines());
            add(out, DiffSegment.Kind.ADDED, d.getTarget().getLines());
            pos = d.getSource().getPosition() + d.getSource().size();
        }
        add(out, DiffSegment.Kind.SAME, a.subList(pos, a.size()));
    }

    private static void add(List<DiffSegment> out, DiffSegment.Kind kind, List<String> tokens) {
        if (tokens.isEmpty()) {
            return;
        }
        String text = String.join("", tokens);
        if (!out.isEmpty() && out.get(out.size() - 1).kind() == kind) {
            DiffSegment last = out.remove(out.size() - 1);
            text = last.text() + text;
        }
        out.add(new DiffSegment(text, kind));
    }

    private static List<String> tokens(Pattern pattern, String s) {
        List<String> list = new ArrayList<>();
        Matcher m = pattern.matcher(s);
        while (m.find()) {
            list.add(m.group());
        }
        return list;
    }
}
