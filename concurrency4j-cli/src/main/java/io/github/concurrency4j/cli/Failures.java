package io.github.concurrency4j.cli;

import java.sql.SQLException;

/** Turns a failure into the one line a person reads. */
final class Failures {
    private Failures() {
    }

    /**
     * The failure's own message, first line only; for a bare driver failure, its deepest message, which is the
     * one that names the cause ("Access denied", "database ... does not exist").
     */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (e instanceof SQLException || message == null || message.isBlank()) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root.getMessage() != null && !root.getMessage().isBlank() && root != e) {
                message = (message == null ? "" : message + ": ") + root.getMessage();
            }
        }
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        String line = message.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }

    /** The URL with every password it holds masked, fit to print (see {@link Redaction}). */
    static String redact(String url) {
        return Redaction.ofPatterns().apply(url);
    }
}
