package io.github.concurrency4j.spring.web;

import java.util.Set;

/**
 * The outcome of {@link FormVersion#update}: the row's new version, and whether the user's changes had to be merged
 * onto a version someone else saved meanwhile.
 *
 * @param version the row's version after the save
 * @param merged whether the save was re-applied onto a newer version because the edits were disjoint
 * @param yourFields the fields this user changed (when merged)
 * @param theirFields the fields someone else changed meanwhile (when merged)
 */
public record FormSave(long version, boolean merged, Set<String> yourFields, Set<String> theirFields) {
    /** The name of the request attribute a merged save is recorded under, for views. */
    public static final String REQUEST_ATTRIBUTE = "concurrency4jMerge";

    public FormSave {
        yourFields = Set.copyOf(yourFields);
        theirFields = Set.copyOf(theirFields);
    }

    /** A message to show the user: what was merged, or {@code "Saved."}. */
    public String message() {
        if (!merged) {
            return "Saved.";
        }
        return "Someone else saved this record while you were editing it (" + String.join(", ", sorted(theirFields))
                + "). Your changes (" + String.join(", ", sorted(yourFields)) + ") did not overlap and were merged "
                + "with theirs.";
    }

    private static java.util.List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
