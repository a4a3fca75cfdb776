package io.github.concurrency4j.test;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An entity without {@code @Version}: what the kit must catch. */
@Entity
public class KitNote {
    @Id
    Long id;
    String text;

    protected KitNote() {
    }

    KitNote(Long id, String text) {
        this.id = id;
        this.text = text;
    }
}
