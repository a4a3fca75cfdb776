package io.github.concurrency4j.demo.admin;

/** A form value that cannot be parsed; the message names the field and the bad value. */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
