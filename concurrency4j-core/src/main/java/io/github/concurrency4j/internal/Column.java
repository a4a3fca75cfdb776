package io.github.concurrency4j.internal;

/**
 * One column of a declared table.
 *
 * @param name the name users see and pass (lower case where the database folds names to upper case)
 * @param physical the name as the database stores it
 * @param sql the quoted name as it stands in SQL
 * @param jdbcType the {@link java.sql.Types} code, for binding NULL (as {@link
 *     io.github.concurrency4j.dialect.Dialect#nullBindingType} says) and converting keys
 * @param sqlType the database's own name of the column's type, as SQL can spell it in a cast, where the dialect
 *     writes bulk changes in one statement ({@link io.github.concurrency4j.dialect.BulkStatements}); {@code null}
 *     elsewhere, and for a type that form cannot carry
 */
public record Column(String name, String physical, String sql, int jdbcType, String sqlType) {
}
