/**
 * Spring Boot auto-configuration: the {@code Concurrency} bean from the application's data source (joining
 * Spring-managed transactions), tables and settings from {@code concurrency4j.*} properties, signing secrets, and
 * the web and JPA support when the application has Spring MVC or JPA.
 */
package io.github.concurrency4j.spring.autoconfigure;
