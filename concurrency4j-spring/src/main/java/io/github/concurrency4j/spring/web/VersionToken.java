package io.github.concurrency4j.spring.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link FormVersion} controller parameter: the submitted version token is verified against the row this
 * request writes, before the method runs. A missing, forged, malformed token, or one issued for another record, is
 * answered with 400 Bad Request and the method is not called.
 *
 * <pre>{@code
 * @PostMapping("/products/{id}")
 * String save(@PathVariable long id, @VersionToken(table = "product") FormVersion version, ProductForm form) {
 *     version.update(products, id, form.changes());
 *     return "redirect:/products/" + id;
 * }
 * }</pre>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface VersionToken {

    /** The table (or, for a JPA entity, the entity name) the token must have been issued for. */
    String table();

    /**
     * The name of the path variable, or else of the request parameter, that holds the key of the row being
     * written (default {@code id}).
     */
    String key() default "id";
}
