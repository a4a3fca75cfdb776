/**
 * Implementation of the Spring integration: conflict models, diffs, problem documents, entity reading. Not part of
 * the supported API: anything here may change or disappear in any release.
 */
package io.github.concurrency4j.spring.internal;
