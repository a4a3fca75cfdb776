package io.github.concurrency4j.spring.internal;

/**
 * Text as the conflict page shows it: invisible characters made visible. A bidirectional override (U+202E) makes a
 * stored "100" display as "001", and a zero-width space makes two different values look the same; on a page whose
 * purpose is to compare values, each such character is shown as a marker such as {@code <U+202E>} instead.
 */
final class VisibleText {
    private VisibleText() {
    }

    /**
     * The text with every format character (bidi controls, zero-width characters, the BOM, soft hyphens: Unicode
     * category Cf) and every control character except tab, line feed and carriage return replaced by
     * {@code <U+XXXX>}. Linear in the text's length; the text itself is returned when it has none.
     */
    static String of(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !hidden(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (hidden(c)) {
                out.append("<U+").append(String.format("%04X", c)).append('>');
            } else {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    private static boolean hidden(int c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.CONTROL && c != '\t' && c != '\n' && c != '\r';
    }
}
