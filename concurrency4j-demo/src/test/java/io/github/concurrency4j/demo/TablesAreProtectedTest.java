package io.github.concurrency4j.demo;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.demo.product.Product;
import io.github.concurrency4j.test.VersionedEntityContract;
import io.github.concurrency4j.test.VersionedTableContract;
import jakarta.persistence.EntityManagerFactory;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The concurrency4j test kit, as a user of the library would use it: each of the demo's three tables proves that
 * it is under management, that a new row gets the initial version, and that a stale save is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class TablesAreProtectedTest {
    @Autowired
    Concurrency concurrency;
    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Nested
    class ProductEntity implements VersionedEntityContract<Product> {
        @Override
        public EntityManagerFactory entityManagerFactory() {
            return entityManagerFactory;
        }

        @Override
        public Class<Product> entityType() {
            return Product.class;
        }

        @Override
        public Product newEntity() {
            return new Product("KIT-1", "Test kit product", "", new BigDecimal("1.00"), 1, null);
        }

        @Override
        public void change(Product product) {
            product.setName("Changed by the test kit");
        }
    }

    @Nested
    class SupplierTable implements VersionedTableContract {
        @Override
        public Concurrency concurrency() {
            return concurrency;
        }

        @Override
        public String table() {
            return "supplier";
        }

        @Override
        public Map<String, Object> newRow() {
            return Map.of("name", "Test kit supplier", "rating", 3);
        }

        @Override
        public Map<String, Object> change() {
            return Map.of("contact_name", "Changed by the test kit");
        }
    }

    @Nested
    class CustomerTable implements VersionedTableContract {
        @Override
        public Concurrency concurrency() {
            return concurrency;
        }

        @Override
        public String table() {
            return "customer";
        }

        @Override
        public Map<String, Object> newRow() {
            return Map.of("name", "Test kit customer", "email", "kit@example.org");
        }

        @Override
        public Map<String, Object> change() {
            // Only name and email are checked fields: a change must touch one to move the version.
            return Map.of("email", "changed@example.org");
        }
    }
}
