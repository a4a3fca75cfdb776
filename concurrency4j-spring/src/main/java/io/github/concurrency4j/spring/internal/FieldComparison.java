package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.token.VerifiedToken;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which fields each side of a conflict changed, judged from the token's digests of the original values: the
 * fields this user changed, the fields someone else changed since the form was rendered, and where they overlap.
 *
 * <p>A field both sides changed overlaps <em>whatever the two values are</em>: two clerks who each add one to a
 * stock of 24 both submit 25, and merging the second over the first would store 25 where 26 is right. Only a
 * person can tell "we made the same correction" from "we each made a change"; the 409 page asks them. A field the
 * token has no digest of cannot be judged and always overlaps, so that an unknown is never merged over.
 */
public final class FieldComparison {
    private final Set<String> yours;
    private final Set<String> theirs;
    private final Set<String> overlapping;

    private FieldComparison(Set<String> yours, Set<String> theirs, Set<String> overlapping) {
        this.yours = Collections.unmodifiableSet(yours);
        this.theirs = Collections.unmodifiableSet(theirs);
        this.overlapping = Collections.unmodifiableSet(overlapping);
    }

    /**
     * Compares the fields this user changed with the current row, against the original values the token vouches
     * for.
     *
     * @param changed the fields this user changed (already told apart from the ones merely submitted unchanged)
     */
    public static FieldComparison of(VerifiedToken token, Collection<String> changed, Row current) {
        Set<String> theirs = new LinkedHashSet<>();
        for (String f : token.fields()) {
            Object now = value(current, f);
            if (now != ABSENT && !token.isOriginal(f, now)) {
                theirs.add(f);
            }
        }
        Set<String> yours = new LinkedHashSet<>(changed);
        Set<String> overlapping = new LinkedHashSet<>();
        for (String f : yours) {
            if (theirs.contains(f) || !token.fields().contains(f)) {
                overlapping.add(f);
            }
        }
        return new FieldComparison(yours, theirs, overlapping);
    }

    /**
     * The library's one rule for "the user changed this field": the submitted value differs from the one the form
     * showed. A field the token has no digest of cannot be judged and counts as changed. A blank submission (empty,
     * or only whitespace) for a field shown as {@code NULL} is unchanged, since a form shows {@code NULL} as an
     * empty input, unless the field is one where blank is a value of its own.
     */
    public static boolean isChanged(VerifiedToken token, String field, Object submitted, Set<String> blankAsValue) {
        if (!token.fields().contains(field)) {
            return true;
        }
        if (token.isOriginal(field, submitted)) {
            return false;
        }
        boolean blank = submitted == null || submitted instanceof CharSequence s && s.toString().isBlank();
        return !(blank && !blankAsValue.contains(field) && token.isOriginal(field, null));
    }

    /** The fields this user changed. */
    public Set<String> yours() {
        return yours;
    }

    /** The fields someone else changed since the form was rendered (among the form's fields). */
    public Set<String> theirs() {
        return theirs;
    }

    /** The fields both sides changed (to whatever values), and changed fields the token cannot judge. */
    public Set<String> overlapping() {
        return overlapping;
    }

    /** What {@link #value(Row, String)} answers for a column the row does not have. */
    public static final Object ABSENT = new Object();

    /** A column's value in the row (possibly {@code null}), or {@link #ABSENT}. */
    public static Object value(Row row, String column) {
        if (row == null) {
            return ABSENT;
        }
        try {
            return row.get(column);
        } catch (IllegalArgumentException e) {
            return ABSENT;
        }
    }
}
