package io.github.concurrency4j.spring.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The value of {@code If-Match} as RFC 9110 defines it (section 13.1.1): {@code *}, or a comma-separated list of
 * entity tags {@code "opaque"} or {@code W/"opaque"}, where the opaque part holds no double quote, no space and no
 * control character. Matching is the strong comparison: a weak tag never matches, and a strong tag matches a version
 * only if it is exactly {@link ETags#of(long)} of it ({@code "07"} and {@code "+7"} are not {@code "7"}).
 *
 * <p>Anything else is refused as malformed (400), rather than read leniently: a lenient reading is a guess, and a
 * guess about which version a write is based on is how updates get lost. {@code *} inside a list and an empty value
 * are malformed too.
 */
final class IfMatchHeader {
    /** One entity tag: whether it is weak, and its opaque part without the quotes. */
    record EntityTag(boolean weak, String opaque) {
        @Override
        public String toString() {
            return (weak ? "W/\"" : "\"") + opaque + "\"";
        }
    }

    private final boolean any;
    private final List<EntityTag> tags;

    private IfMatchHeader(boolean any, List<EntityTag> tags) {
        this.any = any;
        this.tags = tags;
    }

    /**
     * Parses a field value (several {@code If-Match} fields joined with {@code ", "}).
     *
     * @throws ConditionalRequestException with status 400 for any value that is not {@code *} and not a list of
     *     entity tags; never anything else
     */
    static IfMatchHeader parse(String value) {
        if (value == null) {
            throw malformed("it is missing");
        }
        String trimmed = trimWhitespace(value);
        if (trimmed.equals("*")) {
            return new IfMatchHeader(true, List.of());
        }
        List<EntityTag> tags = new ArrayList<>();
        int n = trimmed.length();
        int i = 0;
        while (i < n) {
            char c = trimmed.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == '*') {
                throw malformed("'*' must stand alone, not in a list of entity tags");
            }
            boolean weak = trimmed.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= n || trimmed.charAt(open) != '"') {
                throw malformed("an entity tag must be a quoted string such as \"7\" (or W/\"7\"), at character "
                        + (i + 1));
            }
            int close = open + 1;
            while (close < n && trimmed.charAt(close) != '"') {
                char t = trimmed.charAt(close);
                if (!isEtagChar(t)) {
                    throw malformed("character " + (close + 1) + " is not allowed inside an entity tag "
                            + "(no spaces or control characters)");
                }
                close++;
            }
            if (close >= n) {
                throw malformed("the entity tag starting at character " + (open + 1) + " has no closing quote");
            }
            tags.add(new EntityTag(weak, trimmed.substring(open + 1, close)));
            i = close + 1;
            // After a tag: optional whitespace, then a comma or the end.
            while (i < n && (trimmed.charAt(i) == ' ' || trimmed.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && trimmed.charAt(i) != ',') {
                throw malformed("entity tags must be separated by commas, at character " + (i + 1));
            }
        }
        if (tags.isEmpty()) {
            throw malformed("it names no entity tag");
        }
        return new IfMatchHeader(false, List.copyOf(tags));
    }

    /** Whether the value is {@code *}: any current representation. */
    boolean any() {
        return any;
    }

    /** The entity tags, in order (empty for {@code *}). */
    List<EntityTag> tags() {
        return tags;
    }

    /**
     * The versions the strong tags name, in the exact form {@link ETags#of(long)} writes; weak tags and tags that
     * are no version's (such as {@code "abc"} or {@code "07"}) can never match and are left out.
     */
    Set<Long> versions() {
        Set<Long> versions = new LinkedHashSet<>();
        for (EntityTag tag : tags) {
            if (!tag.weak()) {
                Long v = canonicalVersion(tag.opaque());
                if (v != null) {
                    versions.add(v);
                }
            }
        }
        return versions;
    }

    /** Strong comparison of the list against the current version's tag. */
    boolean matches(long version) {
        return any || versions().contains(version);
    }

    @Override
    public String toString() {
        if (any) {
            return "*";
        }
        List<String> parts = new ArrayList<>(tags.size());
        for (EntityTag t : tags) {
            parts.add(t.toString());
        }
        return String.join(", ", parts);
    }

    private static Long canonicalVersion(String opaque) {
        // At most 20 characters: the longest long, "-9223372036854775808". Longer is no version's tag, and is not
        // handed to the number parser.
        if (opaque.isEmpty() || opaque.length() > 20) {
            return null;
        }
        for (int i = 0; i < opaque.length(); i++) {
            char c = opaque.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '-' && i == 0)) {
                return null;
            }
        }
        try {
            long v = Long.parseLong(opaque);
            return Long.toString(v).equals(opaque) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** RFC 9110 etagc: %x21 / %x23-7E / obs-text (%x80-FF). */
    private static boolean isEtagChar(char c) {
        return c == 0x21 || c >= 0x23 && c <= 0x7E || c >= 0x80 && c <= 0xFF;
    }

    private static String trimWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static ConditionalRequestException malformed(String why) {
        return ConditionalRequestException.malformed("The If-Match header is malformed: " + why + ". Send the ETag "
                + "you read (for example If-Match: \"7\"), a comma-separated list of them, or *. Nothing was "
                + "written.");
    }
}
