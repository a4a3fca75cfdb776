package io.github.concurrency4j.spring.internal;

import io.github.concurrency4j.BulkConflictException;
import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.web.ConflictView;
import io.github.concurrency4j.spring.web.DiffSegment;
import io.github.concurrency4j.spring.web.ETags;
import io.github.concurrency4j.spring.web.FieldConflict;
import io.github.concurrency4j.spring.web.FormVersion;
import io.github.concurrency4j.spring.web.InvalidRequestException;
import io.github.concurrency4j.token.VerifiedToken;
import io.github.concurrency4j.token.VersionTokens;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.HtmlUtils;

/**
 * Turns conflicts and refused tokens into responses: an HTML page for browsers (the overridable template, or a
 * built-in page without Thymeleaf) and RFC 9457 problem documents for API clients.
 */
public final class ConflictResponder {
    static final String PROBLEM_JSON = ProblemDocuments.MEDIA_TYPE;
    private static final Logger LOG = LoggerFactory.getLogger(ConflictResponder.class);
    private static final String TYPE_PREFIX = "urn:concurrency4j:problem:";

    private final VersionTokens tokens;
    private final String tokenParameter;
    private final boolean useTemplate;
    private final EntityReader entities;
    private final ColumnLimits limits;

    /**
     * @param tokens signs the fresh token of "re-apply my changes"
     * @param tokenParameter the request parameter the token travels in
     * @param useTemplate whether to render the template {@link ConflictView#TEMPLATE} (Thymeleaf is present)
     * @param entities reads JPA entities for Hibernate's conflicts, or {@code null}
     */
    public ConflictResponder(VersionTokens tokens, String tokenParameter, boolean useTemplate, EntityReader entities) {
        this(tokens, tokenParameter, useTemplate, entities, null);
    }

    /**
     * As above, with the column limits that name the field at fault when the database refuses a form's value, or
     * {@code null}.
     */
    public ConflictResponder(VersionTokens tokens, String tokenParameter, boolean useTemplate, EntityReader entities,
                             ColumnLimits limits) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.tokenParameter = Objects.requireNonNull(tokenParameter, "tokenParameter");
        this.useTemplate = useTemplate;
        this.entities = entities;
        this.limits = limits;
    }

    /** 409 (412 for a conditional request) with the page or the problem document. */
    public ModelAndView conflict(RecordModifiedException e, HttpServletRequest request) {
        if (e instanceof BulkConflictException bulk) {
            return bulkConflict(bulk, request);
        }
        boolean conditional = RequestState.isConditional(request);
        HttpStatus status = conditional ? HttpStatus.PRECONDITION_FAILED : HttpStatus.CONFLICT;
        ConflictView view = view(e, request);
        Map<String, String> headers = e.currentVersion().isPresent()
                ? Map.of("ETag", ETags.of(e.currentVersion().getAsLong())) : Map.of();
        if (!conditional && wantsHtml(request)) {
            ModelAndView mav = useTemplate ? new ModelAndView(ConflictView.TEMPLATE)
                    : new ModelAndView(new StaticView("text/html;charset=UTF-8",
                            BuiltInPages.conflict(view, FrameworkFormFields.of(request)), Map.of()));
            mav.addObject(ConflictView.MODEL_ATTRIBUTE, view);
            mav.setStatus(status);
            return mav;
        }
        Map<String, Object> problem = problem(conditional ? "precondition-failed" : "record-modified",
                conditional ? "Precondition Failed" : "Record modified", status, e.getMessage(), request);
        problem.put("table", view.table());
        problem.put("key", e.key());
        problem.put("expectedVersion", e.expectedVersion());
        problem.put("currentVersion", e.currentVersion().isPresent() ? e.currentVersion().getAsLong() : null);
        problem.put("deleted", e.isDeleted());
        List<String> conflicting = new ArrayList<>();
        Map<String, Object> current = new LinkedHashMap<>();
        for (FieldConflict f : view.fields()) {
            if (f.overlapping()) {
                conflicting.add(f.name());
            }
            current.put(f.name(), e.isDeleted() ? null : FieldComparison.value(e.currentRow().orElse(null), f.name()));
        }
        problem.put("conflictingFields", conflicting);
        problem.put("currentValues", current);
        return json(status, problem, headers);
    }

    /**
     * 409 for a refused bulk write ({@code ABORT_ALL}) or guarded action: which rows changed, and that nothing was
     * done. No row's values are shown: a grid or a selection shows many rows, and the user reloads them.
     */
    ModelAndView bulkConflict(BulkConflictException e, HttpServletRequest request) {
        HttpStatus status = HttpStatus.CONFLICT;
        List<String> keys = e.keys().stream().map(String::valueOf).toList();
        String message = bulkMessage(e);
        if (wantsHtml(request)) {
            boolean allDeleted = e.conflicts().stream().allMatch(RecordModifiedException::isDeleted);
            ConflictView view = new ConflictView(e.table(), String.valueOf(e.key()), allDeleted, -1, -1, List.of(),
                    action(request), List.of(), bulkDiscardUrl(request), message, keys);
            ModelAndView mav = useTemplate ? new ModelAndView(ConflictView.TEMPLATE)
                    : new ModelAndView(new StaticView("text/html;charset=UTF-8",
                            BuiltInPages.conflict(view, FrameworkFormFields.of(request)), Map.of()));
            mav.addObject(ConflictView.MODEL_ATTRIBUTE, view);
            mav.setStatus(status);
            return mav;
        }
        Map<String, Object> problem = problem("record-modified", "Records modified", status, message, request);
        problem.put("table", e.table());
        problem.put("rowCount", e.rowCount());
        problem.put("staleKeys", new ArrayList<>(e.keys()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RecordModifiedException c : e.conflicts()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("key", c.key());
            r.put("expectedVersion", c.expectedVersion());
            r.put("currentVersion", c.currentVersion().isPresent() ? c.currentVersion().getAsLong() : null);
            r.put("deleted", c.isDeleted());
            rows.add(r);
        }
        problem.put("staleRows", rows);
        return json(status, problem, Map.of());
    }

    /**
     * "Record 2 was changed by someone else since you saw it. Records 5, 9 were deleted by someone else. Nothing
     * was deleted: reload the page and try again." Singular and plural right, deletions said as such, and the
     * outcome in the words of the operation.
     */
    static String bulkMessage(BulkConflictException e) {
        List<String> changed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (RecordModifiedException c : e.conflicts()) {
            (c.isDeleted() ? deleted : changed).add(String.valueOf(c.key()));
        }
        StringBuilder m = new StringBuilder(160);
        if (!changed.isEmpty()) {
            m.append(changed.size() == 1 ? "Record " + changed.get(0) + " was" : "Records " + String.join(", ", changed)
                    + " were").append(" changed by someone else since you saw ")
                    .append(changed.size() == 1 ? "it. " : "them. ");
        }
        if (!deleted.isEmpty()) {
            m.append(deleted.size() == 1 ? "Record " + deleted.get(0) + " was" : "Records " + String.join(", ", deleted)
                    + " were").append(" deleted by someone else. ");
        }
        String outcome = switch (e.operation()) {
            case "guarded action" -> "The action was not carried out";
            case "delete" -> "Nothing was deleted";
            default -> "Nothing was saved";
        };
        return m.append(outcome).append(": reload the page and try again.").toString();
    }

    /**
     * 409 for an optimistic-lock failure of a persistence provider: the stored row is read again by entity type
     * and id to show the same page as for {@link RecordModifiedException}.
     */
    public ModelAndView optimisticLock(String entity, Object id, RuntimeException cause, HttpServletRequest request) {
        Class<?> type = entities == null || entity == null ? null : entities.entityType(entity);
        if (type != null && id != null) {
            Row current = entities.current(type, id);
            FormVersion form = RequestState.formVersion(request);
            long expected = form != null ? form.version() : -1;
            return conflict(new RecordModifiedException(entities.entityName(type), id, expected, current, Map.of(),
                    "update"), request);
        }
        HttpStatus status = HttpStatus.CONFLICT;
        String detail = "Someone else changed or deleted this record while you were editing it. Nothing was written. "
                + "Reload it and apply your change again.";
        if (wantsHtml(request)) {
            return page(status, "Conflict", detail);
        }
        return json(status, problem("record-modified", "Record modified", status, detail, request), Map.of());
    }

    /** 400 for a refused token, 412/428 for failed or missing preconditions, 428 for a missing version. */
    public ModelAndView refused(HttpStatus status, String kind, String title, String detail, Long currentVersion,
                                HttpServletRequest request) {
        return refused(status, kind, title, detail, currentVersion, Map.of(), request);
    }

    /** As above, with extension members for the problem document (such as why a token was refused). */
    public ModelAndView refused(HttpStatus status, String kind, String title, String detail, Long currentVersion,
                                Map<String, ?> extensions, HttpServletRequest request) {
        Map<String, String> headers = currentVersion == null ? Map.of() : Map.of("ETag", ETags.of(currentVersion));
        if (wantsHtml(request) && !RequestState.isConditional(request)) {
            return page(status, title, detail);
        }
        Map<String, Object> problem = problem(kind, title, status, detail, request);
        problem.putAll(extensions);
        return json(status, problem, headers);
    }

    /** Tomcat's request attributes for parameters it could not parse (its {@code Globals}). */
    private static final String TOMCAT_PARSE_FAILED = "org.apache.catalina.parameter_parse_failed";
    private static final String TOMCAT_PARSE_FAILED_REASON = "org.apache.catalina.parameter_parse_failed_reason";

    /**
     * A 4xx for a request the resource cannot take as sent (405 for the method, 415 for the body's content type),
     * with response headers such as {@code Allow}.
     */
    public ModelAndView unsupported(HttpStatus status, String kind, String title, String detail,
                                    Map<String, String> headers, HttpServletRequest request) {
        if (wantsHtml(request)) {
            ModelAndView mav = new ModelAndView(new StaticView("text/html;charset=UTF-8",
                    BuiltInPages.message(status.value(), title, detail), headers));
            mav.setStatus(status);
            return mav;
        }
        return json(status, problem(kind, title, status, detail, request), headers);
    }

    /**
     * The answer to a form whose fields the server did not read at all (Tomcat leaves them all out when a form is
     * larger than {@code server.tomcat.max-http-form-post-size} or has more fields than
     * {@code server.tomcat.max-parameter-count}, and says so only in a request attribute), or {@code null} when
     * it read them. Without it, such a form was answered "No version token was submitted", and the user who
     * reloads and submits again gets the same.
     */
    public ModelAndView unreadForm(HttpServletRequest request) {
        if (request.getAttribute(TOMCAT_PARSE_FAILED) == null) {
            return null;
        }
        String reason = String.valueOf(request.getAttribute(TOMCAT_PARSE_FAILED_REASON));
        if (reason.equals("POST_TOO_LARGE") || reason.equals("TOO_MANY_PARAMETERS")) {
            boolean large = reason.equals("POST_TOO_LARGE");
            return unsupported(HttpStatus.PAYLOAD_TOO_LARGE, "form-too-large", "Form too large",
                    "The form is too large for this server (" + (large ? "more bytes" : "more fields") + " than "
                    + "it reads), so none of its fields were read. Nothing was written. Send less text, or fewer "
                    + "rows at a time.", Map.of(), request);
        }
        return badRequest(null, null, "The form's fields could not be read (" + reason.toLowerCase(Locale.ROOT)
                .replace('_', ' ') + "). Nothing was written. Reload the page and submit it again.", request);
    }

    /** 400 for a client's mistake: a problem document with the {@code field} and {@code limit} members. */
    public ModelAndView badRequest(String field, Object limit, String detail, HttpServletRequest request) {
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (field != null) {
            extensions.put("field", field);
        }
        if (limit != null) {
            extensions.put("limit", limit);
        }
        return refused(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, null, extensions,
                request);
    }

    /**
     * The answer to a database error, by the SQLSTATE found in the cause chain: class 22 (data exception: too long,
     * out of range, not a number) is the client's 400; class 23 (integrity constraint: duplicate, missing reference,
     * NULL where one is required) is 409, a conflict with the stored data; anything else is 500. The response
     * never shows the statement or the driver's message (they hold SQL and bound values); the log does.
     */
    public ModelAndView databaseError(Throwable e, HttpServletRequest request) {
        String state = DatabaseErrors.sqlState(e);
        String sqlClass = state == null || state.length() < 2 ? "" : state.substring(0, 2);
        if (sqlClass.equals("22")) {
            LOG.info("Refused a value the database cannot store (SQLSTATE {}): {}", state, e.toString());
            FormVersion form = RequestState.formVersion(request);
            InvalidRequestException named = form == null || limits == null ? null
                    : limits.firstRefused(form.table(), request.getParameterMap());
            if (named != null) {
                return badRequest(named.field(), named.limit(), named.getMessage().replace("Nothing was written.",
                        "Nothing was saved."), request);
            }
            return badRequest(null, null, "A value is too long, out of range or of the wrong kind for its field. "
                    + "Nothing was saved. Check the values you sent and try again.", request);
        }
        if (sqlClass.equals("40")) {
            LOG.info("The database aborted a transaction (SQLSTATE {}): {}", state, e.toString());
            return aborted(request);
        }
        if (sqlClass.equals("23")) {
            LOG.info("Refused a write that breaks a constraint (SQLSTATE {}): {}", state, e.toString());
            return refused(HttpStatus.CONFLICT, "constraint-violated", "Conflict with stored data",
                    "The change conflicts with the stored data: a value that must be unique is taken, a record it "
                            + "refers to does not exist, or a required value is missing. Nothing was saved.",
                    null, request);
        }
        LOG.error("Unexpected database error answering {} {}", request.getMethod(), request.getRequestURI(), e);
        return unexpected(request);
    }

    /**
     * 409 for a transaction the database aborted (serialization failure, deadlock, lock timeout, certification
     * failure): nothing of it was saved, and trying again is safe.
     */
    public ModelAndView aborted(HttpServletRequest request) {
        return refused(HttpStatus.CONFLICT, "transaction-aborted", "Conflict",
                "The database aborted this change because another one was being saved at the same time. Nothing was "
                        + "saved. Try again: reload if you need the latest values first.", null,
                Map.of("retryable", true), request);
    }

    /** 500 with a message that says nothing of the cause (which is logged by the caller). */
    public ModelAndView unexpected(HttpServletRequest request) {
        return refused(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal Server Error",
                "Something went wrong on the server; the error has been logged. Your request may not have been "
                        + "carried out: reload and check before trying again.", null, request);
    }

    ConflictView view(RecordModifiedException e, HttpServletRequest request) {
        FormVersion form = RequestState.formVersion(request);
        VerifiedToken token = form == null ? null : form.token();
        Row current = e.currentRow().orElse(null);
        Map<String, Object> attempted = e.attemptedChanges();
        // The form's fields as its token lists them; without one, only what the refused write itself attempted.
        // Nothing else is shown: a column the user never saw must not leak through a conflict.
        Set<String> shown = new LinkedHashSet<>(token != null && !token.fields().isEmpty()
                ? token.fields() : attempted.keySet());
        Set<String> overlapSet = RequestState.overlapping(request);
        List<FieldConflict> fields = new ArrayList<>();
        Map<String, Object> originalsNow = new LinkedHashMap<>();
        TextDiff.Budget diffBudget = new TextDiff.Budget();
        for (String f : shown) {
            Object theirs = current == null ? null : FieldComparison.value(current, f);
            if (theirs == FieldComparison.ABSENT) {
                continue;
            }
            Object yours = attempted.containsKey(f) ? attempted.get(f) : request.getParameter(f);
            boolean digest = token != null && token.fields().contains(f);
            boolean byOthers = current == null || (digest ? !token.isOriginal(f, theirs)
                    : !VersionTokens.sameValue(yours, theirs));
            boolean byYou = form == null || form.isChanged(f, yours);
            // Changed by both is a conflict whatever the values: equal values may be two "+1" edits of one value.
            boolean overlapping = overlapSet != null ? overlapSet.contains(f) : byYou && byOthers;
            String yoursText = text(yours);
            String theirsText = current == null ? "" : text(theirs);
            // Shown with bidi and zero-width characters as markers (the page compares values, they must not hide);
            // the diff is of the real text, each segment made visible after.
            List<DiffSegment> diff = TextDiff.segments(theirsText, yoursText, diffBudget).stream()
                    .map(d -> new DiffSegment(VisibleText.of(d.text()), d.kind())).toList();
            yoursText = VisibleText.of(yoursText);
            theirsText = VisibleText.of(theirsText);
            fields.add(new FieldConflict(f, yoursText, theirsText, byYou, byOthers, overlapping, diff));
            originalsNow.put(f, theirs);
        }
        String table = token != null ? token.table() : e.table();
        List<Map.Entry<String, String>> resubmit = new ArrayList<>();
        if (current != null && token != null) {
            Map<String, String> framework = FrameworkFormFields.of(request);
            for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
                // The page's form gets fresh framework fields (the CSRF token) of its own: never copy the old ones.
                if (p.getKey().equals(tokenParameter) || p.getKey().equals("_csrf")
                        || framework.containsKey(p.getKey())) {
                    continue;
                }
                for (String v : p.getValue()) {
                    resubmit.add(new AbstractMap.SimpleImmutableEntry<>(p.getKey(), v));
                }
            }
            resubmit.add(new AbstractMap.SimpleImmutableEntry<>(tokenParameter,
                    tokens.sign(token.purpose(), table, e.key(), current.version(), originalsNow)));
        }
        String message = current == null
                ? "Someone else deleted this record while you were editing it. Your changes were not saved."
                : "Someone else saved this record while you were editing it. Your changes were not saved: compare "
                        + "them with the stored values below, then re-apply yours or discard them.";
        return new ConflictView(table, String.valueOf(e.key()), current == null, e.expectedVersion(),
                current == null ? -1 : current.version(), fields, action(request), resubmit, discardUrl(request),
                message, List.of());
    }

    private static String text(Object v) {
        return v == null ? "" : String.valueOf(v);
    }

    private static String action(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return request.getQueryString() == null ? uri : uri + "?" + request.getQueryString();
    }

    /** The page the form came from (same-origin path only), else the request's own URL. */
    private static String discardUrl(HttpServletRequest request) {
        String back = refererPath(request);
        return back != null ? back : request.getRequestURI();
    }

    /** The same-origin path (and query) of the Referer, or {@code null} when there is none to trust. */
    private static String refererPath(HttpServletRequest request) {
        String referer = request.getHeader("Referer");
        if (referer != null) {
            try {
                URI uri = URI.create(referer);
                boolean sameHost = uri.getHost() == null || uri.getHost().equalsIgnoreCase(request.getServerName());
                String path = uri.getRawPath();
                // A path starting with "//" would be a protocol-relative link to another host.
                if (sameHost && path != null && path.startsWith("/") && !path.startsWith("//")) {
                    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
                }
            } catch (IllegalArgumentException ignored) {
                // An unparsable Referer is ignored.
            }
        }
        return null;
    }

    /**
     * For a refused bulk write or action: the page it came from (same-origin Referer), else one path segment up
     * from the request ("/products/discontinue" -> "/products"): a bulk endpoint answers only POST, so a link to
     * its own URL would be a 405.
     */
    private static String bulkDiscardUrl(HttpServletRequest request) {
        String back = refererPath(request);
        String uri = request.getRequestURI();
        if (back != null) {
            return back;
        }
        if ("GET".equalsIgnoreCase(request.getMethod())) {
            return uri;
        }
        int slash = uri.lastIndexOf('/', uri.endsWith("/") ? uri.length() - 2 : uri.length() - 1);
        return slash <= 0 ? "/" : uri.substring(0, slash);
    }

    private static Map<String, Object> problem(String kind, String title, HttpStatus status, String detail,
                                               HttpServletRequest request) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", TYPE_PREFIX + kind);
        p.put("title", title);
        p.put("status", status.value());
        p.put("detail", detail);
        p.put("instance", request.getRequestURI());
        return p;
    }

    private static ModelAndView json(HttpStatus status, Map<String, Object> problem, Map<String, String> headers) {
        Map<String, Object> extensions = new LinkedHashMap<>(problem);
        for (String standard : List.of("type", "title", "status", "detail", "instance")) {
            extensions.remove(standard);
        }
        ProblemDetail document = ProblemDocuments.of(status, URI.create((String) problem.get("type")),
                (String) problem.get("title"), (String) problem.get("detail"), (String) problem.get("instance"),
                extensions);
        ModelAndView mav = new ModelAndView(new StaticView(PROBLEM_JSON, ProblemDocuments.json(document), headers));
        mav.setStatus(status);
        return mav;
    }

    private static ModelAndView page(HttpStatus status, String title, String detail) {
        ModelAndView mav = new ModelAndView(new StaticView("text/html;charset=UTF-8",
                BuiltInPages.message(status.value(), title, detail), Map.of()));
        mav.setStatus(status);
        return mav;
    }

    /** Whether the client prefers HTML to JSON (a browser); API clients and clients without Accept get JSON. */
    static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double html = 0;
        double json = 0;
        try {
            for (MediaType m : MediaType.parseMediaTypes(accept)) {
                double q = m.getQualityValue();
                if (m.getType().equals("text") && m.getSubtype().equals("html")
                        || m.getSubtype().equals("xhtml+xml")) {
                    html = Math.max(html, q);
                } else if (m.getSubtype().equals("json") || m.getSubtype().endsWith("+json")) {
                    json = Math.max(json, q);
                }
            }
        } catch (RuntimeException e) {
            return false;
        }
        return html > 0 && html >= json;
    }

    static String escape(String s) {
        return HtmlUtils.htmlEscape(s == null ? "" : s);
    }
}
