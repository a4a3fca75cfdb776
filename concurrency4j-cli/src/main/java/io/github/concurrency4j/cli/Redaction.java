package io.github.concurrency4j.cli;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides passwords in anything the command prints: every password form a JDBC URL can hold (found by pattern, in
 * the URL itself or in a driver's message quoting it), and, as a backstop for a message that quotes a password any
 * other way, the exact passwords this run was given (in its URL, its password variable or its password file),
 * wherever they appear.
 */
final class Redaction {
    static final String MASK = "***";
    /**
     * A literal password shorter than this is not searched for in free text: masking every "ab" would make the
     * output unreadable. Such a password is still masked wherever it stands in one of the URL forms.
     */
    static final int MIN_LITERAL_LENGTH = 4;

    /** The key of a password parameter: password, PASSWORD, sslPassword, trustStorePassword, pwd, passwd. */
    private static final String KEY = "[\\w.-]*(?:password|passwd|pwd)";
    /**
     * {@code ?password=} or {@code &password=}: the value runs to the next {@code &key=} (a ';' or a stray '&' is
     * part of it), or to the end of the text.
     */
    private static final Pattern QUERY = Pattern.compile("(?i)([?&]" + KEY + "=)(.*?)(?=&[\\w.-]+=|\\s|$)");
    /**
     * {@code ;PASSWORD=} (H2, SQL Server style properties): the value runs to the next {@code ;key=}, so that a ';'
     * the user meant as part of the password (and the driver cut there) is masked too.
     */
    private static final Pattern PROPERTY =
            Pattern.compile("(?i)(;\\s*" + KEY + "\\s*=)(.*?)(?=;\\s*[\\w.-]+\\s*=|\\s|$)");
    /** {@code (password=...)} (MySQL/MariaDB address syntax): the value runs to the ')'. */
    private static final Pattern PAREN = Pattern.compile("(?i)(\\(\\s*" + KEY + "\\s*=)([^)]*)");
    /** {@code //user:password@host}: the value runs to the last '@' of the authority. */
    private static final Pattern USERINFO = Pattern.compile("(//[^/?#@:\\s]*:)([^/?#\\s]*)@");
    /** {@code --password=x} or {@code --password x} on a command line that picocli repeats in an error. */
    private static final Pattern OPTION = Pattern.compile("(?i)(-" + KEY + "(?:=|\\s+))([^\\s',\"]+)");
    private static final List<Pattern> FORMS = List.of(QUERY, PROPERTY, PAREN, USERINFO, OPTION);

    private final List<String> literals;

    private Redaction(Set<String> literals) {
        List<String> sorted = new ArrayList<>(literals);
        // The longest first, so that a password containing another is masked whole.
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.literals = List.copyOf(sorted);
    }

    /** Masks the URL forms only. */
    static Redaction ofPatterns() {
        return new Redaction(Set.of());
    }

    /**
     * Masks the URL forms and the passwords of these command-line arguments: the ones in {@code --url}, and the
     * contents of the {@code --password-env} variable and the {@code --password-file} file when they can be read.
     */
    static Redaction ofArguments(String[] args) {
        Set<String> literals = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            String value = null;
            int eq = option.indexOf('=');
            if (option.startsWith("--") && eq > 0) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[i + 1];
            }
            if (value == null) {
                continue;
            }
            switch (option) {
                case "--url" -> literals.addAll(passwordsIn(value));
                case "--password-env" -> add(literals, System.getenv(value));
                case "--password-file" -> add(literals, firstLine(value));
                default -> {
                    // Nothing secret.
                }
            }
            // "--password=x" and "--password x" are not options of ours, but a user may type them.
            literals.addAll(passwordsIn(args[i]));
        }
        return new Redaction(literals);
    }

    /** The text with every password it shows replaced by {@value #MASK}. */
    String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String literal : literals) {
            masked = masked.replace(literal, MASK);
        }
        for (Pattern form : FORMS) {
            masked = form.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK)
                    + (form == USERINFO ? "@" : ""));
        }
        return masked;
    }

    /** The password values a URL holds, as written and percent-decoded. */
    static List<String> passwordsIn(String url) {
        Set<String> found = new LinkedHashSet<>();
        for (Pattern form : FORMS) {
            Matcher m = form.matcher(url);
            while (m.find()) {
                add(found, m.group(2));
                try {
                    add(found, URLDecoder.decode(m.group(2), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException notEncoded) {
                    // A value with a stray '%' is not percent-encoded: its raw form is already listed.
                }
            }
        }
        return List.copyOf(found);
    }

    private static void add(Set<String> literals, String secret) {
        if (secret != null && secret.length() >= MIN_LITERAL_LENGTH) {
            literals.add(secret);
        }
    }

    private static String firstLine(String file) {
        try {
            return ConnectionOptions.firstLine(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException unreadable) {
            // The command itself reports an unreadable file; there is nothing in it to hide.
            return null;
        }
    }
}
