package io.github.concurrency4j.spring.web;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.spring.internal.EntityReader;
import io.github.concurrency4j.spring.internal.FrameworkFormFields;
import io.github.concurrency4j.token.TokenPurpose;
import io.github.concurrency4j.token.VersionTokens;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.HtmlUtils;

/**
 * Renders the hidden version-token field of a form. Registered by the auto-configuration as the bean
 * {@value #BEAN_NAME}, so a Thymeleaf form needs one line:
 *
 * <pre>{@code
 * <form th:action="@{/products/{id}(id=${row.key()})}" method="post">
 *   <th:block th:utext="${@concurrency4jForms.hidden('product', row, 'name', 'price')}"/>
 *   ...
 * }</pre>
 *
 * <p>The listed fields are the ones the form shows: the token carries signed digests of their original values
 * (never the values), which lets a conflicting save merge disjoint edits and lets the conflict page show exactly
 * these fields and no other. For a JPA entity use {@link #hiddenForEntity(Object, String...)}.
 *
 * <p>Each kind of form gets tokens for its own {@link TokenPurpose}, and a token is accepted only for its purpose:
 * {@link #hidden} for an edit form ({@code @VersionToken}), {@link #hiddenForDelete} for a delete form
 * ({@code @VersionToken(purpose = DELETE)}), {@link #hiddenRow} for a grid row and {@link #checkbox} for a bulk
 * selection ({@code @RowTokens}).
 *
 * <p>The version token is not CSRF protection: it says which version the form was based on, not who sent it.
 * With Spring Security, Thymeleaf adds the CSRF token to every {@code th:action} form by itself; a form rendered
 * another way adds {@link #csrfFields()}.
 */
public final class ConcurrencyForms {
    /** The bean name the auto-configuration registers this helper under. */
    public static final String BEAN_NAME = "concurrency4jForms";

    private final VersionTokens tokens;
    private final String parameterName;
    private final EntityReader entities;

    /**
     * @param tokens the signing secrets
     * @param parameterName the request parameter the token travels in
     * @param entities reads JPA entities, or {@code null} without JPA
     */
    public ConcurrencyForms(VersionTokens tokens, String parameterName, EntityReader entities) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.parameterName = Objects.requireNonNull(parameterName, "parameterName");
        this.entities = entities;
    }

    /** The name of the request parameter the token travels in. */
    public String parameterName() {
        return parameterName;
    }

    /** An edit form's token for a row of a declared table, vouching for the original values of these fields. */
    public String token(String table, Row row, String... fields) {
        return token(TokenPurpose.EDIT, table, row, fields);
    }

    /** A token for this purpose for a row of a declared table, vouching for the original values of these fields. */
    public String token(TokenPurpose purpose, String table, Row row, String... fields) {
        return tokens.sign(purpose, table, row.key(), row.version(), values(row, fields));
    }

    /**
     * The hidden input of a delete form: a token valid only for deleting this row
     * ({@code @VersionToken(table = ..., purpose = TokenPurpose.DELETE)}).
     */
    public String hiddenForDelete(String table, Row row) {
        return input(token(TokenPurpose.DELETE, table, row));
    }

    /** The hidden input carrying {@link #token(String, Row, String...)}, as HTML. */
    public String hidden(String table, Row row, String... fields) {
        return input(token(table, row, fields));
    }

    /** An edit form's hidden input for a row known by its parts; {@code values} are the form's fields as read. */
    public String hidden(String table, Object key, long version, Map<String, ?> values) {
        return input(tokens.sign(table, key, version, values));
    }

    /**
     * The hidden input of one row of a list-editable form: the row's token in the parameter
     * {@value RowTokens#ROWS}, one per row; name the row's inputs {@code field[key]}, such as {@code price[7]}.
     */
    public String hiddenRow(String table, Row row, String... fields) {
        return "<input type=\"hidden\" name=\"" + RowTokens.ROWS + "\" value=\""
                + HtmlUtils.htmlEscape(token(TokenPurpose.GRID_ROW, table, row, fields)) + "\">";
    }

    /**
     * The checkbox of one row of a bulk selection: its value is the row's signed (key, version), submitted in the
     * parameter {@value RowTokens#SELECTED} when ticked.
     */
    public String checkbox(String table, Row row) {
        return "<input type=\"checkbox\" name=\"" + RowTokens.SELECTED + "\" value=\""
                + HtmlUtils.htmlEscape(token(TokenPurpose.SELECTION, table, row)) + "\">";
    }

    /**
     * The hidden inputs the application asks every form of the current request to carry, as HTML: with Spring
     * Security, its CSRF token. Read from Spring MVC's {@code RequestDataValueProcessor}, as Thymeleaf's
     * {@code th:action} does, so a form with a {@code th:action} has them already; empty without Spring Security
     * or outside a request.
     */
    public String csrfFields() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return "";
        }
        return FrameworkFormFields.hiddenInputs(FrameworkFormFields.of(attributes.getRequest()));
    }

    /** An edit form's token for a JPA entity with a {@code @Version} attribute, vouching for these attributes. */
    public String tokenForEntity(Object entity, String... fields) {
        return tokenForEntity(TokenPurpose.EDIT, entity, fields);
    }

    /** A token for this purpose for a JPA entity with a {@code @Version} attribute, vouching for these attributes. */
    public String tokenForEntity(TokenPurpose purpose, Object entity, String... fields) {
        if (entities == null || !entities.isEntity(entity)) {
            throw new IllegalArgumentException("Not a JPA entity (or JPA is not configured): " + entity);
        }
        Row row = entities.row(entity);
        return tokens.sign(purpose, entities.entityName(entity.getClass()), row.key(), row.version(),
                values(row, fields));
    }

    /**
     * The hidden input of a JPA entity's delete form: a token valid only for deleting it
     * ({@code @VersionToken(table = "<entity name>", purpose = TokenPurpose.DELETE)}).
     */
    public String hiddenForDelete(Object entity) {
        return input(tokenForEntity(TokenPurpose.DELETE, entity));
    }

    /** The hidden input carrying {@link #tokenForEntity(Object, String...)}, as HTML. */
    public String hiddenForEntity(Object entity, String... fields) {
        return input(tokenForEntity(entity, fields));
    }

    private String input(String token) {
        return "<input type=\"hidden\" name=\"" + HtmlUtils.htmlEscape(parameterName) + "\" value=\""
                + HtmlUtils.htmlEscape(token) + "\">";
    }

    private static Map<String, Object> values(Row row, String... fields) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String f : fields) {
            values.put(f, row.get(f));
        }
        return values;
    }
}
