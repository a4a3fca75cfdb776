package io.github.concurrency4j.internal;

/**
 * One column of a declared table.
 *
 * @param name the name users see and pass (lower case where the database folds names to upper case)
 * @param physical the name as the database stores it
 * @param sql the quoted name as it stands in SQL
 * @param jdbcType the {@link java.sql.Types} code, for binding NULL and converting keys
 */
public record Column(String name, String physical, String sql, int jdbcType) {
}
