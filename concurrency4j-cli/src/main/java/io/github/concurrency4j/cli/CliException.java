package io.github.concurrency4j.cli;

/** A failure the command explains in its message: bad options, an unreadable password, no connection. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
