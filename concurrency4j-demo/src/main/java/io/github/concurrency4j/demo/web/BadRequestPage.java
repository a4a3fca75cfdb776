package io.github.concurrency4j.demo.web;

import io.github.concurrency4j.token.InvalidTokenException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The demo's look for a refused version token (missing, forged, replayed onto another record, malformed): 400, and
 * nothing was written. Ahead of the starter's advice, which answers the same with a plain page.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BadRequestPage {

    @ExceptionHandler(InvalidTokenException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public String invalidToken(InvalidTokenException e, Model model) {
        model.addAttribute("reason", e.reason());
        model.addAttribute("message", e.getMessage());
        return "bad-token";
    }
}
