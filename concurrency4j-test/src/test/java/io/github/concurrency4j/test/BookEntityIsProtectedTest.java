package io.github.concurrency4j.test;

import jakarta.persistence.EntityManagerFactory;

/** The kit proving a JPA entity, as a user writes it. */
class BookEntityIsProtectedTest implements VersionedEntityContract<KitBook> {
    @Override
    public EntityManagerFactory entityManagerFactory() {
        return Databases.emf();
    }

    @Override
    public Class<KitBook> entityType() {
        return KitBook.class;
    }

    @Override
    public KitBook newEntity() {
        return new KitBook(7L, "Dune");
    }

    @Override
    public void change(KitBook book) {
        book.title = book.title + "!";
    }
}
