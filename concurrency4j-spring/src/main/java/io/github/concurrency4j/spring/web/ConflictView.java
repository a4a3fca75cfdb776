package io.github.concurrency4j.spring.web;

import java.util.List;
import java.util.Map;

/**
 * What the conflict page shows, exposed to the template {@code concurrency4j/conflict} as the model attribute
 * {@value #MODEL_ATTRIBUTE}. Only the fields the form showed are here: nothing the user could not see is revealed.
 *
 * @param table the table or entity name
 * @param key the row's key, as text
 * @param deleted whether the row was deleted meanwhile (for a refused bulk write: whether every stale row was)
 * @param yourVersion the version the user's form was based on, or -1 when unknown
 * @param currentVersion the version stored now, or -1 when deleted
 * @param fields the form's fields, in form order
 * @param action where "re-apply my changes" posts (the URL of the refused request)
 * @param resubmit the request parameters to post again, a fresh token for the stored version included; empty when
 *     the row was deleted or the request carried no version token
 * @param discardUrl where "discard mine" leads (the page the form came from)
 * @param message the conflict in one sentence
 * @param staleKeys for a refused bulk write or guarded action, the keys of every row that had changed; else empty
 */
public record ConflictView(String table, String key, boolean deleted, long yourVersion, long currentVersion,
                           List<FieldConflict> fields, String action, List<Map.Entry<String, String>> resubmit,
                           String discardUrl, String message, List<String> staleKeys) {
    /** The model attribute the view is exposed as. */
    public static final String MODEL_ATTRIBUTE = "conflict";
    /** The template rendered for browsers; an application overrides it by shipping its own. */
    public static final String TEMPLATE = "concurrency4j/conflict";

    public ConflictView {
        fields = List.copyOf(fields);
        resubmit = List.copyOf(resubmit);
        staleKeys = List.copyOf(staleKeys);
    }

    /**
     * The page's heading: "This record was changed by someone else", "This record was deleted by someone else", or
     * for a refused bulk write or action on several rows "These records were changed by someone else".
     */
    public String heading() {
        if (staleKeys.size() > 1) {
            return deleted ? "These records were deleted by someone else" : "These records were changed by someone else";
        }
        return deleted ? "This record was deleted by someone else" : "This record was changed by someone else";
    }

    /** The fields both sides changed to different values. */
    public List<FieldConflict> overlapping() {
        return fields.stream().filter(FieldConflict::overlapping).toList();
    }
}
