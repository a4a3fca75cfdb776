package io.github.concurrency4j.spring.web;

/**
 * One piece of a field's diff on the conflict page: text both values share, text only the stored value has, or
 * text only the user's value has. Templates render the text escaped ({@code th:text}) and style it by kind.
 *
 * @param text the piece of text
 * @param kind whose the text is
 */
public record DiffSegment(String text, Kind kind) {
    /** Whose a piece of text is. */
    public enum Kind {
        /** In both values. */
        SAME,
        /** Only in the stored value (someone else's). */
        REMOVED,
        /** Only in the user's value. */
        ADDED
    }

    /** The kind in lower case, handy as a CSS class: {@code same}, {@code removed}, {@code added}. */
    public String cssClass() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
