/**
 * Spring MVC support as plain classes, usable with or without the auto-configuration: signed version tokens in
 * forms ({@link io.github.concurrency4j.spring.web.ConcurrencyForms}, {@link io.github.concurrency4j.spring.web.VersionToken},
 * {@link io.github.concurrency4j.spring.web.FormVersion}), conflicts as 409 pages and RFC 9457 problem documents
 * ({@link io.github.concurrency4j.spring.web.ConflictAdvice}), auto-merge of disjoint edits, and
 * {@code ETag}/{@code If-Match} for REST ({@link io.github.concurrency4j.spring.web.IfMatch},
 * {@link io.github.concurrency4j.spring.web.ETags}).
 */
package io.github.concurrency4j.spring.web;
