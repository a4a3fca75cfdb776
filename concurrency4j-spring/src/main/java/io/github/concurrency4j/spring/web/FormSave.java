package io.github.concurrency4j.spring.web;

import java.util.Set;

/**
 * The outcome of {@link FormVersion#update}: the row's new version, the fields written, and whether the user's
 * changes had to be merged onto a version someone else saved meanwhile.
 *
 * @param version the row's version after the save (the form's version when nothing changed)
 * @param merged whether the save was re-applied onto a newer version because no field was changed by both sides
 * @param yourFields the fields this user changed, which were written (empty: nothing changed, nothing written)
 * @param theirFields the fields someone else changed meanwhile (when merged)
 */
public record FormSave(long version, boolean merged, Set<String> yourFields, Set<String> theirFields) {
    /** The name of the request attribute a merged save is recorded under, for views. */
    public static final String REQUEST_ATTRIBUTE = "concurrency4jMerge";

    public FormSave {
        yourFields = Set.copyOf(yourFields);
        theirFields = Set.copyOf(theirFields);
    }

    /** Whether the form came back as it was shown: nothing was written. */
    public boolean unchanged() {
        return yourFields.isEmpty();
    }

    /** A message to show the user: what was merged, {@code "Saved."}, or that nothing changed. */
    public String message() {
        if (unchanged()) {
            return "Nothing changed: nothing was saved.";
        }
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
