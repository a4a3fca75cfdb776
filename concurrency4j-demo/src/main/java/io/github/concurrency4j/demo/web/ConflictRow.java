package io.github.concurrency4j.demo.web;

/**
 * One field of the 409 page.
 *
 * @param label the field's label
 * @param column the field's column
 * @param yours what this user submitted, as text
 * @param theirs what the row holds now, as text
 * @param diffHtml theirs against yours, HTML-escaped, with {@code <del>}/{@code <ins>} marks
 * @param changedByYou whether this user changed the field
 * @param changedByThem whether someone else changed it since the form was opened
 */
public record ConflictRow(String label, String column, String yours, String theirs, String diffHtml,
                          boolean changedByYou, boolean changedByThem) {

    /** Both sides changed the field, to different values: this is why the save could not be merged. */
    public boolean overlap() {
        return changedByYou && changedByThem && differs();
    }

    /** The values differ: the row needs a diff. */
    public boolean differs() {
        return !yours.equals(theirs);
    }
}
