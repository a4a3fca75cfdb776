package io.github.concurrency4j.spring.jpa;

import io.github.concurrency4j.spring.internal.ConflictResponder;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.hibernate.StaleObjectStateException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers JPA's and Hibernate's optimistic-lock failures with the conflict page (409), reading the entity's stored
 * values again so that the page shows them: Spring's {@link ObjectOptimisticLockingFailureException} (what Spring
 * Data and a committing {@code JpaTransactionManager} throw), {@link OptimisticLockException} and Hibernate's
 * {@link StaleObjectStateException} (what an explicit {@code flush()} throws). Ordered just ahead of
 * {@link io.github.concurrency4j.spring.web.ConflictAdvice}.
 */
@ControllerAdvice
@Order(-1)
public class JpaConflictAdvice implements Ordered {
    private final ConflictResponder responder;
    private final EntityManagerFactory emf;

    /** An advice answering through this responder, identifying entities through this factory. */
    public JpaConflictAdvice(ConflictResponder responder, EntityManagerFactory emf) {
        this.responder = Objects.requireNonNull(responder, "responder");
        this.emf = Objects.requireNonNull(emf, "emf");
    }

    /** Spring's translation of a JPA optimistic-lock failure: 409. */
    @ExceptionHandler(ObjectOptimisticLockingFailureException.class)
    public ModelAndView objectOptimisticLockingFailure(ObjectOptimisticLockingFailureException e,
                                                       HttpServletRequest request) {
        return responder.optimisticLock(e.getPersistentClassName(), e.getIdentifier(), e, request);
    }

    /** JPA's optimistic-lock failure: 409. */
    @ExceptionHandler(OptimisticLockException.class)
    public ModelAndView optimisticLock(OptimisticLockException e, HttpServletRequest request) {
        Object entity = e.getEntity();
        if (entity != null) {
            Object id = emf.getPersistenceUnitUtil().getIdentifier(entity);
            return responder.optimisticLock(entity.getClass().getName(), id, e, request);
        }
        if (e.getCause() instanceof StaleObjectStateException stale) {
            return responder.optimisticLock(stale.getEntityName(), stale.getIdentifier(), e, request);
        }
        return responder.optimisticLock(null, null, e, request);
    }

    /** Hibernate's optimistic-lock failure: 409. */
    @ExceptionHandler(StaleObjectStateException.class)
    public ModelAndView staleObjectState(StaleObjectStateException e, HttpServletRequest request) {
        return responder.optimisticLock(e.getEntityName(), e.getIdentifier(), e, request);
    }

    /**
     * Any other persistence failure (a value too long for its column at flush, a broken constraint): 400, 409 or
     * 500 by SQLSTATE, never with the statement's text.
     */
    @ExceptionHandler(PersistenceException.class)
    public ModelAndView persistence(PersistenceException e, HttpServletRequest request) {
        return responder.databaseError(e, request);
    }

    @Override
    public int getOrder() {
        return -1;
    }
}
