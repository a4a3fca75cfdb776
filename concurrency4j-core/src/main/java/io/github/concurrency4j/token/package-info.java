/**
 * Signed version tokens: what a web form (or any client that must not be trusted) carries instead of a bare
 * version number. A token binds a table, a row key and a version under an HMAC-SHA256 signature, and may carry
 * signed digests of the original values of the fields a form showed, so that a conflicting save can tell whether
 * the two edits touched the same fields. Web-agnostic: the Spring module builds its form support on this package.
 */
package io.github.concurrency4j.token;
