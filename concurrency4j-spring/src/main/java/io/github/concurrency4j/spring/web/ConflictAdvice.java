package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.MissingVersionException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.StatementFailedException;
import io.github.concurrency4j.TransactionAbortedException;
import io.github.concurrency4j.spring.internal.ConflictResponder;
import io.github.concurrency4j.token.InvalidTokenException;
import io.github.concurrency4j.token.VersionTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers what a stale write throws. Browsers (Accept preferring {@code text/html}) get the conflict page, the
 * template {@value ConflictView#TEMPLATE}; everyone else gets an RFC 9457 {@code application/problem+json}
 * document.
 *
 * <ul>
 *   <li>{@link RecordModifiedException}, Spring's {@link OptimisticLockingFailureException}: 409 Conflict, or 412
 *       Precondition Failed for a write made conditional by {@link IfMatch}.</li>
 *   <li>{@link InvalidTokenException}: 400 Bad Request: the form's token is missing, forged, malformed, expired,
 *       for another record or purpose, or a row came twice (the problem document's {@code reason}: {@code missing},
 *       {@code forged}, {@code malformed}, {@code other_record}, {@code other_purpose}, {@code expired},
 *       {@code duplicate}).</li>
 *   <li>{@link InvalidRequestException}: 400 naming the field; {@link StatementFailedException}: 400 for a value
 *       the column cannot hold (SQLSTATE class 22), 409 for a broken constraint (class 23), else 500, never showing
 *       SQL.</li>
 *   <li>{@link TransactionAbortedException}: 409 (problem type {@code transaction-aborted}, {@code retryable}):
 *       the database aborted the transaction, nothing was saved, trying again is safe.</li>
 *   <li>{@link ConditionalRequestException}: 412 or 428, or 400 for a malformed {@code If-Match};
 *       {@link MissingVersionException}: 428.</li>
 * </ul>
 *
 * <p>Registered by the auto-configuration with order 0, ahead of application advice of default order; an
 * application replaces it by declaring its own bean of this type.
 */
@ControllerAdvice
@Order(0)
public class ConflictAdvice implements Ordered {
    private final ConflictResponder responder;

    /**
     * An advice for use without the auto-configuration.
     *
     * @param tokens signs the fresh token of the page's "re-apply my changes"
     * @param tokenParameter the request parameter forms carry their token in
     * @param conflictTemplate whether to render the view {@value ConflictView#TEMPLATE} (a Thymeleaf, or other,
     *     view resolver resolves it); otherwise a built-in page
     */
    public ConflictAdvice(VersionTokens tokens, String tokenParameter, boolean conflictTemplate) {
        this(new ConflictResponder(tokens, tokenParameter, conflictTemplate, null));
    }

    /** An advice answering through this responder (the auto-configuration's; not a supported API). */
    public ConflictAdvice(ConflictResponder responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    /** A refused optimistic write: 409 (412 when conditional). */
    @ExceptionHandler(RecordModifiedException.class)
    public ModelAndView recordModified(RecordModifiedException e, HttpServletRequest request) {
        return responder.conflict(e, request);
    }

    /** A refused version token: 400 (413 when the server did not read the form's fields at all). */
    @ExceptionHandler(InvalidTokenException.class)
    public ModelAndView invalidToken(InvalidTokenException e, HttpServletRequest request) {
        ModelAndView unread = responder.unreadForm(request);
        if (unread != null) {
            return unread;
        }
        return responder.refused(HttpStatus.BAD_REQUEST, "invalid-version-token", "Invalid version token",
                e.getMessage(), null, Map.of("reason", e.reason().name().toLowerCase(Locale.ROOT)), request);
    }

    /** A failed or missing precondition: 412 or 428; a malformed {@code If-Match}: 400. */
    @ExceptionHandler(ConditionalRequestException.class)
    public ModelAndView conditional(ConditionalRequestException e, HttpServletRequest request) {
        HttpStatus status = HttpStatus.valueOf(e.status());
        String kind = switch (status) {
            case PRECONDITION_FAILED -> "precondition-failed";
            case PRECONDITION_REQUIRED -> "precondition-required";
            default -> "malformed-if-match";
        };
        return responder.refused(status, kind, status.getReasonPhrase(), e.getMessage(), e.currentVersion(), request);
    }

    /** A write without a version where one is required: 428. */
    @ExceptionHandler(MissingVersionException.class)
    public ModelAndView missingVersion(MissingVersionException e, HttpServletRequest request) {
        return responder.refused(HttpStatus.PRECONDITION_REQUIRED, "precondition-required", "Precondition Required",
                e.getMessage(), null, request);
    }

    /**
     * Spring's optimistic-lock failure (JDBC templates, Spring Data): 409. With JPA, the JPA advice answers the ORM
     * failures first, with the entity's stored values.
     */
    @ExceptionHandler(OptimisticLockingFailureException.class)
    public ModelAndView optimisticLockingFailure(OptimisticLockingFailureException e, HttpServletRequest request) {
        return responder.optimisticLock(null, null, e, request);
    }

    /** A client's mistake in a REST request: 400 naming the field (and the limit it exceeded). */
    @ExceptionHandler(InvalidRequestException.class)
    public ModelAndView invalidRequest(InvalidRequestException e, HttpServletRequest request) {
        return responder.badRequest(e.field(), e.limit(), e.getMessage(), request);
    }

    /**
     * A number refused by {@link DecimalInput} (not finite, or more digits than its field holds): 400 naming the
     * field, as a problem document for API clients rather than Spring's default error body.
     */
    @ExceptionHandler(InvalidFieldValueException.class)
    public ModelAndView invalidFieldValue(InvalidFieldValueException e, HttpServletRequest request) {
        return responder.badRequest(e.field(), null, e.getReason(), request);
    }

    /**
     * A statement the database refused: by SQLSTATE class, a value the column cannot hold (22) is 400, a broken
     * constraint (23) is 409, anything else 500; never with the statement's text, which goes to the log.
     */
    @ExceptionHandler(StatementFailedException.class)
    public ModelAndView statementFailed(StatementFailedException e, HttpServletRequest request) {
        return responder.databaseError(e, request);
    }

    /**
     * A transaction the database aborted (serialization failure, deadlock, lock timeout, certification failure):
     * 409, nothing saved, retrying is safe.
     */
    @ExceptionHandler(TransactionAbortedException.class)
    public ModelAndView transactionAborted(TransactionAbortedException e, HttpServletRequest request) {
        return responder.aborted(request);
    }

    @Override
    public int getOrder() {
        return 0;
    }
}
