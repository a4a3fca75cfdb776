package io.github.concurrency4j.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * The concurrency4j showcase: a small inventory admin in which two users can edit the same record, and the second
 * save is refused with a conflict page instead of silently erasing the first one's work.
 */
// No users (everyone may use the demo): no generated password in the log. Spring Security is here for CSRF.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class DemoApplication {
    private static final Logger log = LoggerFactory.getLogger(DemoApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }

    /** The first thing a newcomer needs after the one command: where to point the browser. */
    @EventListener
    public void printUrl(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
            log.info("\n\n    concurrency4j demo is running: open http://localhost:{}/\n",
                    web.getWebServer().getPort());
        }
    }
}
