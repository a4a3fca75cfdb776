package io.github.concurrency4j.spring.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.github.concurrency4j.spring.internal.ConflictResponder;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers the request mistakes Spring MVC detects itself, and database errors that reach the controller through
 * Spring's {@link DataAccessException}, the way the conflict advice answers its own: a problem document naming the
 * field for API clients, a plain page for browsers, and never a Java type name, a stack trace or SQL (Spring's own
 * messages for these name Java types, and a {@code DataAccessException}'s holds the statement).
 *
 * <ul>
 *   <li>an unreadable body (not JSON, a value of the wrong kind, an unknown member of a typed body): 400 naming the
 *       member and, for broken JSON, where it broke;</li>
 *   <li>a path variable or parameter that does not convert (a letter where a number belongs), a missing required
 *       parameter or header, a form that does not bind: 400 naming it;</li>
 *   <li>a method the address does not take: 405 naming the ones it does; a body of a content type the handler does
 *       not read: 415 naming the ones it reads;</li>
 *   <li>{@link DataAccessException}: by SQLSTATE, 400 (class 22), 409 (class 23) or 500.</li>
 * </ul>
 *
 * <p>Registered by the auto-configuration at the lowest precedence, so that an application's own advice for these
 * exceptions, given a higher precedence, answers instead.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class RequestErrorAdvice implements Ordered {
    private final ConflictResponder responder;

    /** An advice answering through this responder (the auto-configuration's; not a supported API). */
    public RequestErrorAdvice(ConflictResponder responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    /** A body that cannot be read: 400 naming the member, or the place the JSON broke. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ModelAndView unreadableBody(HttpMessageNotReadableException e, HttpServletRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            String field = path(unknown);
            return responder.badRequest(field, null, "'" + field + "' is not a field of this resource. Send only "
                    + "the fields it has. Nothing was written.", request);
        }
        if (cause instanceof JsonParseException broken) {
            String twice = duplicateMember(broken);
            if (twice != null) {
                return responder.badRequest(twice, null, "'" + twice + "' is given more than once in the body, so "
                        + "which value to write cannot be told. Send each field once. Nothing was written.", request);
            }
            JsonLocation at = broken.getLocation();
            return responder.badRequest(null, null, "The body is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ". Nothing was written.",
                    request);
        }
        if (cause instanceof JsonMappingException trailing && trailing.getOriginalMessage() != null
                && trailing.getOriginalMessage().startsWith("Trailing token")) {
            // FAIL_ON_TRAILING_TOKENS: without it, {"name": "x"} {"name": "y"} wrote "x" and answered 204.
            return responder.badRequest(null, null, "The body holds more than one JSON value, so which one to write "
                    + "cannot be told. Send exactly one JSON object. Nothing was written.", request);
        }
        if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = path(mapping);
            return responder.badRequest(field, null, "'" + field + "' has a value of the wrong kind. Nothing was "
                    + "written.", request);
        }
        return responder.badRequest(null, null, "The request body is missing or is not the JSON this resource "
                + "expects. Nothing was written.", request);
    }

    /**
     * The member a body named twice, from Jackson's "Duplicate field 'name'" (STRICT_DUPLICATE_DETECTION), or
     * {@code null} for any other parse error.
     */
    private static String duplicateMember(JsonParseException e) {
        String m = e.getOriginalMessage();
        String prefix = "Duplicate field '";
        if (m == null || !m.startsWith(prefix)) {
            return null;
        }
        int end = m.indexOf('\'', prefix.length());
        return end < 0 ? null : m.substring(prefix.length(), end);
    }

    /** A path variable or request parameter that does not convert: 400 naming it. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    public ModelAndView typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        Class<?> type = e.getRequiredType();
        String expected = type == null ? "a valid value"
                : Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class && type != char.class
                ? "a number" : type == Boolean.class || type == boolean.class ? "true or false" : "a valid value";
        return responder.badRequest(e.getName(), null, "'" + e.getName() + "' must be " + expected + ". Nothing "
                + "was written.", request);
    }

    /** A required request parameter that is missing: 400 naming it. */
    @ExceptionHandler(MissingServletRequestParameterException.class)
    public ModelAndView missingParameter(MissingServletRequestParameterException e, HttpServletRequest request) {
        ModelAndView unread = responder.unreadForm(request);
        if (unread != null) {
            return unread;
        }
        return responder.badRequest(e.getParameterName(), null, "'" + e.getParameterName() + "' is required. "
                + "Nothing was written.", request);
    }

    /** A required header that is missing: 400 naming it. */
    @ExceptionHandler(MissingRequestHeaderException.class)
    public ModelAndView missingHeader(MissingRequestHeaderException e, HttpServletRequest request) {
        return responder.badRequest(e.getHeaderName(), null, "The header '" + e.getHeaderName() + "' is required. "
                + "Nothing was written.", request);
    }

    /**
     * A form or body that does not bind or validate: 400 naming the first field; a validation message is shown, a
     * conversion failure (whose text names Java types) is not.
     */
    @ExceptionHandler(BindException.class)
    public ModelAndView bind(BindException e, HttpServletRequest request) {
        FieldError error = e.getFieldError();
        if (error == null) {
            return responder.badRequest(null, null, "The request is not valid. Nothing was written.", request);
        }
        String why = error.isBindingFailure() || error.getDefaultMessage() == null ? "has an invalid value"
                : error.getDefaultMessage();
        return responder.badRequest(error.getField(), null, "'" + error.getField() + "' " + why + ". Nothing was "
                + "written.", request);
    }

    /**
     * A method the address does not take: 405 naming the ones it does (also in {@code Allow}). Spring's own answer
     * said only "Method Not Allowed".
     */
    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public ModelAndView methodNotAllowed(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        Set<HttpMethod> supported = e.getSupportedHttpMethods();
        String allowed = supported == null ? "" : supported.stream().map(HttpMethod::name).sorted()
                .collect(Collectors.joining(", "));
        boolean override = request.getHeader("X-HTTP-Method-Override") != null
                || request.getHeader("X-HTTP-Method") != null || request.getHeader("X-Method-Override") != null
                || request.getParameterMap().containsKey("_method");
        String detail = request.getMethod() + " is not accepted at this address"
                + (allowed.isEmpty() ? "" : "; it takes " + allowed) + "."
                + (override ? " A method named in a header or a '_method' parameter is not honoured: send the "
                        + "request with that method itself." : "")
                + " Nothing was written.";
        return responder.unsupported(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                detail, allowed.isEmpty() ? Map.of() : Map.of("Allow", allowed), request);
    }

    /** A body of a content type the handler does not read: 415 naming the types it reads. */
    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public ModelAndView unsupportedMediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        MediaType sent = e.getContentType();
        List<MediaType> supported = e.getSupportedMediaTypes();
        String accepted = supported.stream().filter(t -> !t.isWildcardType() && !t.isWildcardSubtype())
                .map(MediaType::toString).distinct().limit(5).collect(Collectors.joining(", "));
        String detail = (sent == null || request.getContentType() == null ? "The request has no Content-Type"
                : "A body of type " + sent.getType() + "/" + sent.getSubtype() + " is not accepted here")
                + (accepted.isEmpty() ? "" : "; send " + accepted + ", with a Content-Type header that says so")
                + ". Nothing was written.";
        return responder.unsupported(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                "Unsupported media type", detail, Map.of(), request);
    }

    /** A database error reported through Spring: 400, 409 or 500 by SQLSTATE, without the statement. */
    @ExceptionHandler(DataAccessException.class)
    public ModelAndView dataAccess(DataAccessException e, HttpServletRequest request) {
        return responder.databaseError(e, request);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }
}
