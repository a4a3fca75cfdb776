package io.github.concurrency4j.test;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

@Entity
public class KitBook {
    @Id
    Long id;
    String title;
    @Version
    Long version;

    protected KitBook() {
    }

    KitBook(Long id, String title) {
        this.id = id;
        this.title = title;
    }
}
