package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.token.TokenPurpose;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link FormVersion} (or {@code long}) controller parameter: the submitted version token is verified
 * against the row this request writes and the purpose of the form, before the method runs. A missing, forged,
 * malformed or expired token, or one issued for another record or purpose, is answered with 400 Bad Request and the
 * method is not called. A genuine token for an older version of the same row passes: the write it carries is then
 * refused as stale (409) by the version check.
 *
 * <pre>{@code
 * @PostMapping("/products/{id}")
 * String save(@PathVariable long id, @VersionToken(table = "product") FormVersion version, ProductForm form) {
 *     version.update(products, id, form.changes());
 *     return "redirect:/products/" + id;
 * }
 *
 * @PostMapping("/products/{id}/delete")    // the form renders ${@concurrency4jForms.hiddenForDelete('product', row)}
 * String delete(@PathVariable long id, @VersionToken(table = "product", purpose = TokenPurpose.DELETE) long version) {
 *     products.delete(id, version);
 *     return "redirect:/products";
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

    /**
     * What the token must have been issued for (default {@link TokenPurpose#EDIT}, the tokens of
     * {@link ConcurrencyForms#hidden}); {@link TokenPurpose#DELETE} for a delete form
     * ({@link ConcurrencyForms#hiddenForDelete}).
     */
    TokenPurpose purpose() default TokenPurpose.EDIT;
}
