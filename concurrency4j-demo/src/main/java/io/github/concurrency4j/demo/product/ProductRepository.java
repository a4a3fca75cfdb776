package io.github.concurrency4j.demo.product;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data access to products. */
public interface ProductRepository extends JpaRepository<Product, Long> {
}
