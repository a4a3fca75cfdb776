package io.github.concurrency4j.spring.autoconfigure;

import io.github.concurrency4j.token.VersionTokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the configured signing secrets before any token is signed with them. Spring leaves a placeholder whose
 * variable is unset as its literal text, so {@code ${C4J_PREVIOUS_SECRET}} would otherwise become a secret that
 * anyone reading the configuration can sign with.
 */
final class SigningSecrets {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)[^}]*}?");

    private SigningSecrets() {
    }

    /**
     * The secrets of one property, checked.
     *
     * @param property the property's name, for the messages
     * @param optional whether empty entries are dropped (previous secrets) rather than refused
     * @throws IllegalStateException naming the property, the entry and, for a placeholder, its variable
     */
    static List<String> checked(String property, List<String> secrets, boolean optional) {
        List<String> kept = new ArrayList<>();
        if (secrets == null) {
            return kept;
        }
        for (int i = 0; i < secrets.size(); i++) {
            String s = secrets.get(i);
            String entry = property + "[" + i + "]";
            Matcher m = PLACEHOLDER.matcher(s == null ? "" : s);
            if (m.find()) {
                String variable = m.group(1).trim();
                throw new IllegalStateException(entry + " holds the unresolved placeholder " + m.group()
                        + ": the environment variable or property " + variable + " is not set, and its literal text "
                        + "would become a secret anyone can sign with. Set " + variable
                        + (optional ? ", or write ${" + variable + ":} to leave it out when unset."
                                : ". (A previous secret that may be unset goes in concurrency4j.signing.previous-secrets"
                                        + " as ${" + variable + ":}.)"));
            }
            if (s == null || s.isBlank()) {
                if (optional) {
                    continue;
                }
                throw new IllegalStateException(entry + " is empty: a signing secret must be at least "
                        + VersionTokens.MIN_SECRET_BYTES + " bytes long. Set it, or remove the entry (an optional "
                        + "previous secret goes in concurrency4j.signing.previous-secrets).");
            }
            int bytes = s.getBytes(StandardCharsets.UTF_8).length;
            if (bytes < VersionTokens.MIN_SECRET_BYTES) {
                throw new IllegalStateException(entry + " must be at least " + VersionTokens.MIN_SECRET_BYTES
                        + " bytes long, but was " + bytes + " bytes.");
            }
            kept.add(s);
        }
        return kept;
    }
}
