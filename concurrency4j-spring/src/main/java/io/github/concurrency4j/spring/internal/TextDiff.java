package io.github.concurrency4j.spring.internal;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import io.github.concurrency4j.spring.web.DiffSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A word-level diff of the stored value against the user's, by java-diff-utils. */
public final class TextDiff {
    private static final Pattern TOKENS = Pattern.compile("\\s+|[\\p{L}\\p{N}_]+|[^\\s\\p{L}\\p{N}_]");

    private TextDiff() {
    }

    /** The segments that turn {@code theirs} into {@code yours}: kept, removed (theirs only) and added (yours only). */
    public static List<DiffSegment> segments(String theirs, String yours) {
        List<String> a = tokens(theirs == null ? "" : theirs);
        List<String> b = tokens(yours == null ? "" : yours);
        Patch<String> patch = DiffUtils.diff(a, b);
        List<DiffSegment> out = new ArrayList<>();
        int pos = 0;
        for (AbstractDelta<String> d : patch.getDeltas()) {
            add(out, DiffSegment.Kind.SAME, a.subList(pos, d.getSource().getPosition()));
            add(out, DiffSegment.Kind.REMOVED, d.getSource().getLines());
            add(out, DiffSegment.Kind.ADDED, d.getTarget().getLines());
            pos = d.getSource().getPosition() + d.getSource().size();
        }
        add(out, DiffSegment.Kind.SAME, a.subList(pos, a.size()));
        return out;
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

    private static List<String> tokens(String s) {
        List<String> list = new ArrayList<>();
        Matcher m = TOKENS.matcher(s);
        while (m.find()) {
            list.add(m.group());
        }
        return list;
    }
}
