package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which fields each side of a conflict changed, judged from the token's digests of the original values: the
 * fields this user changed, the fields someone else changed since the form was rendered, and where they overlap.
 * A field the token has no digest of cannot be judged; it counts as overlapping unless both sides hold the same
 * value, so that an unknown is never merged over.
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

    /** Compares the submitted changes and the current row with the original values the token vouches for. */
    public static FieldComparison of(VerifiedToken token, Map<String, ?> changes, Row current) {
        Set<String> yours = new LinkedHashSet<>();
        Set<String> theirs = new LinkedHashSet<>();
        Set<String> overlapping = new LinkedHashSet<>();
        for (String f : token.fields()) {
            Object now = value(current, f);
            if (now != ABSENT && !token.isOriginal(f, now)) {
                theirs.add(f);
            }
        }
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            String f = e.getKey();
            if (!token.fields().contains(f)) {
                Object now = value(current, f);
                yours.add(f);
                if (now == ABSENT || !VersionTokens.sameValue(now, e.getValue())) {
                    overlapping.add(f);
                }
            } else if (!token.isOriginal(f, e.getValue())) {
                yours.add(f);
                if (theirs.contains(f) && !VersionTokens.sameValue(value(current, f), e.getValue())) {
                    overlapping.add(f);
                }
            }
        }
        return new FieldComparison(yours, theirs, overlapping);
    }

    /** The fields this user changed. */
    public Set<String> yours() {
        return yours;
    }

    /** The fields someone else changed since the form was rendered (among the form's fields). */
    public Set<String> theirs() {
        return theirs;
    }

    /** The fields both sides changed to different values. */
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
