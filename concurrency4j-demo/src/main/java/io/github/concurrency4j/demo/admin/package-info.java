/**
 * The inventory admin: one generic set of pages (list with an editable grid and bulk actions, edit form, delete
 * confirmation) over three tables that are versioned three different ways.
 */
package io.github.concurrency4j.demo.admin;
