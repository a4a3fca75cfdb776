package io.github.concurrency4j.spring.internal;

import static io.github.concurrency4j.spring.internal.ConflictResponder.escape;

import io.github.concurrency4j.spring.web.ConflictView;
import io.github.concurrency4j.spring.web.DiffSegment;
import io.github.concurrency4j.spring.web.FieldConflict;
import java.util.Map;

/** The pages shown when the application has no Thymeleaf: the same content as the template, every value escaped. */
final class BuiltInPages {
    private static final String STYLE = "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}tr.overlapping{background:#fff3f3}"
            + ".added{background:#d4f8d4}.removed{background:#f8d4d4;text-decoration:line-through}</style>";

    private BuiltInPages() {
    }

    /** @param frameworkFields hidden fields every form must carry (the CSRF token), see {@link FrameworkFormFields} */
    static String conflict(ConflictView v, Map<String, String> frameworkFields) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><title>Conflict</title>").append(STYLE)
                .append("</head><body><h1>").append(escape(v.heading())).append("</h1><p class=\"message\">")
                .append(escape(v.message())).append("</p>");
        if (!v.fields().isEmpty()) {
            sb.append("<table><thead><tr><th>Field</th><th>Yours</th><th>Stored now</th><th>Difference</th></tr>"
                    + "</thead><tbody>");
            for (FieldConflict f : v.fields()) {
                sb.append("<tr class=\"").append(f.overlapping() ? "overlapping" : "field").append("\"><th>")
                        .append(escape(f.name())).append(f.overlapping() ? " (changed by both)" : "")
                        .append("</th><td class=\"yours\">").append(escape(f.yours()))
                        .append("</td><td class=\"theirs\">").append(escape(f.theirs())).append("</td><td class=\"diff\">");
                for (DiffSegment d : f.diff()) {
                    if (d.kind() == DiffSegment.Kind.SAME) {
                        sb.append(escape(d.text()));
                    } else {
                        String tag = d.kind() == DiffSegment.Kind.ADDED ? "ins" : "del";
                        sb.append('<').append(tag).append(" class=\"").append(d.cssClass()).append("\">")
                                .append(escape(d.text())).append("</").append(tag).append('>');
                    }
                }
                sb.append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        if (!v.resubmit().isEmpty()) {
            sb.append("<form method=\"post\" action=\"").append(escape(v.action())).append("\">")
                    .append(FrameworkFormFields.hiddenInputs(frameworkFields));
            for (Map.Entry<String, String> p : v.resubmit()) {
                sb.append("<input type=\"hidden\" name=\"").append(escape(p.getKey())).append("\" value=\"")
                        .append(escape(p.getValue())).append("\">");
            }
            sb.append("<button type=\"submit\">Re-apply my changes to the current version</button></form>");
        }
        sb.append("<p><a class=\"discard\" href=\"").append(escape(v.discardUrl()))
                .append("\">Discard my changes and reload</a></p></body></html>");
        return sb.toString();
    }

    static String message(int status, String title, String detail) {
        return "<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><title>" + escape(title) + "</title>" + STYLE
                + "</head><body><h1>" + status + " " + escape(title) + "</h1><p>" + escape(detail) + "</p></body></html>";
    }
}
