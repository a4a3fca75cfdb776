package io.github.concurrency4j.spring.web;

import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A submitted value that cannot be accepted for a field (a form input or a JSON member): a 400 Bad Request naming
 * the field, thrown before anything is written. Its problem document ({@link #getBody()}) carries the field in the
 * member {@code field}; {@link #getReason()} is the sentence to show the user.
 */
public class InvalidFieldValueException extends ResponseStatusException {
    private final String field;

    /**
     * @param field the field's name as the client knows it (the form input or JSON member)
     * @param reason what is wrong and what is accepted, naming the field
     */
    public InvalidFieldValueException(String field, String reason) {
        super(HttpStatus.BAD_REQUEST, Objects.requireNonNull(reason, "reason"));
        this.field = Objects.requireNonNull(field, "field");
        getBody().setProperty("field", field);
    }

    /** The field whose value was refused. */
    public String field() {
        return field;
    }
}
