package io.github.concurrency4j.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** The benchmark's product row as a Hibernate entity with a {@code @Version}: the ORM way to lock optimistically. */
@Entity
@Table(name = SingleRowUpdateBenchmark.TABLE)
public class HibernateProduct {
    @Id
    private long id;
    private String name;
    private int price;
    @Version
    private long version;

    /** For Hibernate. */
    protected HibernateProduct() {
    }

    /** A detached row as the user read it, with the values to save: what {@code merge} takes. */
    public HibernateProduct(long id, String name, int price, long version) {
        this.id = id;
        this.name = name;
        this.price = price;
        this.version = version;
    }

    public long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getPrice() {
        return price;
    }

    public void setPrice(int price) {
        this.price = price;
    }

    public long getVersion() {
        return version;
    }
}
