/**
 * The web side of optimistic locking for the demo's pages: signed version tokens in forms, auto-merge of disjoint
 * edits, guarded bulk actions, and the 409 and 400 pages.
 */
package io.github.concurrency4j.demo.web;
