package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.token.TokenPurpose;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link RowVersions} controller parameter: the version tokens of many rows, one per row, as a
 * list-editable form ({@link ConcurrencyForms#hiddenRow}) or a bulk selection ({@link ConcurrencyForms#checkbox})
 * submits them. Every token is verified before the method runs; one missing its signature, malformed, expired, issued
 * for another table or another purpose (a grid row's token is not a selection's), and a row submitted twice, are
 * answered 400 and the method is not called.
 *
 * <pre>{@code
 * @PostMapping("/products/grid")
 * String save(@RowTokens(table = "product") RowVersions rows, @RequestParam MultiValueMap<String, String> form) {
 *     BulkResult result = rows.updateAll(products, rows.changesFrom(form, "name", "price"), BulkPolicy.SKIP_CONFLICTS);
 *     ...
 * }
 * }</pre>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RowTokens {
    /** The parameter of a list-editable form's row tokens. */
    String ROWS = "_c4j_rows";
    /** The parameter of a bulk selection's checkboxes. */
    String SELECTED = "_c4j_selected";
    /** The parameter a "select all across pages" control sets to {@code true}. */
    String SELECT_ACROSS = "_c4j_select_across";

    /** The declared table every token must have been issued for. */
    String table();

    /**
     * What the tokens must have been issued for: {@link TokenPurpose#GRID_ROW} (default, the rows of
     * {@link ConcurrencyForms#hiddenRow}) or {@link TokenPurpose#SELECTION} (the checkboxes of
     * {@link ConcurrencyForms#checkbox}).
     */
    TokenPurpose purpose() default TokenPurpose.GRID_ROW;

    /**
     * The request parameter carrying the tokens; by default the purpose's: {@value #ROWS} for grid rows,
     * {@value #SELECTED} for a selection.
     */
    String parameter() default "";
}
