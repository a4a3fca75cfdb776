package io.github.concurrency4j.token;

/**
 * What a version token was issued for. A token is verified for one purpose only: a token from a list page's
 * checkbox cannot delete a row through the delete form, and an edit form's token cannot delete either. The
 * purpose is signed with the rest of the token.
 */
public enum TokenPurpose {
    /** The save of one row's edit form. */
    EDIT('E'),
    /** The confirmed delete of one row. */
    DELETE('D'),
    /** One row of a list-editable grid, saved with the others. */
    GRID_ROW('G'),
    /** One ticked row of a bulk selection, for a bulk action on the selected rows. */
    SELECTION('S');

    private final char code;

    TokenPurpose(char code) {
        this.code = code;
    }

    char code() {
        return code;
    }

    static TokenPurpose ofCode(int code) {
        for (TokenPurpose p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }

    /** The purpose in lower case words, as messages name it ("grid row"). */
    String words() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
