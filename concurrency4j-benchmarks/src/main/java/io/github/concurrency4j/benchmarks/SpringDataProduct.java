package io.github.concurrency4j.benchmarks;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;

/**
 * The benchmark's product row as a Spring Data JDBC aggregate with a {@code @Version}: {@code save} then sends
 * {@code UPDATE ... WHERE id = ? AND version = ?} and throws {@code OptimisticLockingFailureException} when no row
 * matched. Its table name comes from the {@link SpringDataProducts} context it is saved through.
 */
public class SpringDataProduct {
    @Id
    private Long id;
    private String name;
    private int price;
    @Version
    private long version;

    /** For Spring Data. */
    protected SpringDataProduct() {
    }

    /** A row as the user read it: its key and version, with the values to save. */
    public SpringDataProduct(long id, String name, int price, long version) {
        this.id = id;
        this.name = name;
        this.price = price;
        this.version = version;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public int getPrice() {
        return price;
    }

    public long getVersion() {
        return version;
    }
}
