package io.github.concurrency4j.spring.web;

import java.util.List;

/**
 * One field of the form on the conflict page.
 *
 * @param name the field (column or attribute) name
 * @param yours the value this user submitted, as text
 * @param theirs the value stored now, as text
 * @param changedByYou whether this user changed the field
 * @param changedByOthers whether someone else changed the field since the form was rendered
 * @param overlapping whether both changed it, to different values: the field this user must decide on
 * @param diff how the stored value would become the user's
 */
public record FieldConflict(String name, String yours, String theirs, boolean changedByYou, boolean changedByOthers,
                            boolean overlapping, List<DiffSegment> diff) {
    public FieldConflict {
        diff = List.copyOf(diff);
    }
}
