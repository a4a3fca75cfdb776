package io.github.concurrency4j.demo.web;

import java.util.Set;

/**
 * A saved edit.
 *
 * @param version the row's version after the save
 * @param changed the fields this user changed (empty: nothing to save)
 * @param mergedWith the fields someone else had changed meanwhile, kept by the auto-merge (empty: no merge)
 */
public record SaveResult(long version, Set<String> changed, Set<String> mergedWith) {

    /** Whether the save went through only because the edits were disjoint from someone else's. */
    public boolean merged() {
        return !mergedWith.isEmpty();
    }
}
