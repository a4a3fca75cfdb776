package io.github.concurrency4j.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A row of the bulk benchmark's grid as a Hibernate entity with a {@code @Version}. */
@Entity
@Table(name = BulkUpdateBenchmark.TABLE)
public class HibernateGridRow {
    @Id
    private long id;
    private String name;
    private int price;
    @Version
    private long version;

    /** For Hibernate. */
    protected HibernateGridRow() {
    }

    public long getId() {
        return id;
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
