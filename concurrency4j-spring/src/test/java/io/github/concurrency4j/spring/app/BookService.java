package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.spring.jpa.JpaVersions;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Three ways to save a book form: the classic bug, concurrency4j, and a merged detached copy. */
@Service
public class BookService {
    private final BookRepository books;
    private final JpaVersions jpaVersions;

    BookService(BookRepository books, JpaVersions jpaVersions) {
        this.books = books;
        this.jpaVersions = jpaVersions;
    }

    /** The classic silent lost update: load, copy the form on, save. Hibernate checks the version it just loaded. */
    @Transactional
    public void saveNaively(long id, long submittedVersion, String title, int price) {
        Book book = books.findById(id).orElseThrow();
        book.setVersion(submittedVersion); // ignored by Hibernate for a managed entity: the bug this module fixes
        book.setTitle(title);
        book.setPrice(price);
    }

    /** concurrency4j: the submitted version is the one checked. */
    @Transactional
    public Book save(long id, long submittedVersion, String title, int price) {
        return jpaVersions.update(Book.class, id, submittedVersion, b -> {
            b.setTitle(title);
            b.setPrice(price);
        });
    }

    /** A detached copy carrying the submitted version, merged: Hibernate refuses it if the version is stale. */
    @Transactional
    public void saveDetachedCopy(long id, long submittedVersion, String title, String author, int price) {
        Book copy = new Book(id, title, author, price);
        copy.setVersion(submittedVersion);
        books.save(copy);
    }

    /** {@link #save}, with another transaction's write between the version check and the flush. */
    @Transactional
    public Book saveWithInterleavedWrite(long id, long submittedVersion, String title, Runnable interleaved) {
        return jpaVersions.update(Book.class, id, submittedVersion, b -> {
            interleaved.run();
            b.setTitle(title);
        });
    }

    @Transactional
    public void delete(long id, long submittedVersion) {
        jpaVersions.delete(Book.class, id, submittedVersion);
    }
}
