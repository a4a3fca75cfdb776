package io.github.concurrency4j.spring.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A JPA entity with a {@code @Version}: the classic lost-update victim. */
@Entity
@Table(name = "c4j_spring_book")
public class Book {
    @Id
    private Long id;
    private String title;
    private String author;
    private Integer price;
    @Version
    private Long version;

    protected Book() {
    }

    public Book(Long id, String title, String author, Integer price) {
        this.id = id;
        this.title = title;
        this.author = author;
        this.price = price;
    }

    public Long getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getAuthor() {
        return author;
    }

    public void setAuthor(String author) {
        this.author = author;
    }

    public Integer getPrice() {
        return price;
    }

    public void setPrice(Integer price) {
        this.price = price;
    }

    public Long getVersion() {
        return version;
    }

    /** For the detached-copy path only: a copy carrying the version the user submitted. */
    public void setVersion(Long version) {
        this.version = version;
    }
}
