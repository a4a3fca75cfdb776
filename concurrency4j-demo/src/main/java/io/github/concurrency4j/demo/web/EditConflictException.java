package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.RecordModifiedException;
import io.github.concurrency4j.demo.admin.AdminTable;
import java.util.Map;
import java.util.Set;

/**
 * An edit form's save that could not be merged: someone else changed the same fields, or deleted the row. Carries
 * what the 409 page shows: this user's values, which fields each side changed.
 */
public class EditConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient AdminTable table;
    private final long id;
    private final transient RecordModifiedException conflict;
    private final transient Map<String, Object> yours;
    private final transient Set<String> changedByYou;
    private final transient Set<String> changedByThem;

    EditConflictException(AdminTable table, long id, RecordModifiedException conflict, Map<String, Object> yours,
                          Set<String> changedByYou, Set<String> changedByThem) {
        super(conflict.getMessage(), conflict);
        this.table = table;
        this.id = id;
        this.conflict = conflict;
        this.yours = yours;
        this.changedByYou = changedByYou;
        this.changedByThem = changedByThem;
    }

    public AdminTable table() {
        return table;
    }

    public long id() {
        return id;
    }

    public RecordModifiedException conflict() {
        return conflict;
    }

    /** Every field value this user submitted, parsed. */
    public Map<String, Object> yours() {
        return yours;
    }

    public Set<String> changedByYou() {
        return changedByYou;
    }

    public Set<String> changedByThem() {
        return changedByThem;
    }
}
