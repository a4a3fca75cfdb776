package io.github.concurrency4j.internal;

import java.sql.Types;

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
 * @param storedType the column's type as the database stores its values, with its modifiers where they change the
 *     stored value ({@code numeric(10,2)}, {@code character(3)}, {@code timestamp(0) without time zone}), as
 *     {@link io.github.concurrency4j.dialect.Dialect#storedTypes} names it; what a conditional version compares a
 *     tracked column's new value as; {@code null} where the dialect does not say
 * @param text whether the driver describes the column as text ({@code CHAR}, {@code VARCHAR}, {@code CLOB} and their
 *     national and long forms), whatever code {@code jdbcType} binds its NULL with: a key of such a column is never
 *     given as a number
 */
public record Column(String name, String physical, String sql, int jdbcType, String sqlType, String storedType,
                     boolean text) {

    /** Whether a {@link java.sql.Types} code is one of text. */
    static boolean isText(int jdbcType) {
        return jdbcType == Types.CHAR || jdbcType == Types.VARCHAR || jdbcType == Types.LONGVARCHAR
                || jdbcType == Types.NCHAR || jdbcType == Types.NVARCHAR || jdbcType == Types.LONGNVARCHAR
                || jdbcType == Types.CLOB || jdbcType == Types.NCLOB;
    }
}
