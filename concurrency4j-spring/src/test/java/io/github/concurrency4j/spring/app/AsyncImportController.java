package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;

/**
 * The same application mistake as {@link LeakyImportController} (an import that switches checks off and never
 * closes its scope), made in each kind of asynchronous Spring MVC handler: a {@code Callable}, a
 * {@code WebAsyncTask}, a {@code DeferredResult} and a {@code CompletableFuture} completed on Spring Boot's
 * {@code applicationTaskExecutor}, and an {@code @Async} method. Each kind also has a checked price change, run the
 * same way. Every answer names the thread that did the write ({@code X-Thread}).
 */
@RestController
class AsyncImportController {
    private final Concurrency concurrency;
    private final AsyncTaskExecutor executor;
    private final AsyncWrites asyncWrites;

    AsyncImportController(Concurrency concurrency, @Qualifier("applicationTaskExecutor") AsyncTaskExecutor executor,
                          AsyncWrites asyncWrites) {
        this.concurrency = concurrency;
        this.executor = executor;
        this.asyncWrites = asyncWrites;
    }

    /** What a handler of this kind does: leak a scope and write unchecked, or write checked. */
    private Callable<ResponseEntity<Void>> work(long id, Long version, int price) {
        return () -> {
            if (version == null) {
                concurrency.disable("product");   // the bug: no try-with-resources, no close()
            }
            concurrency.table("product").update(id, version, Map.of("price", price));
            return ResponseEntity.noContent().header("X-Thread", Thread.currentThread().getName()).build();
        };
    }

    @PostMapping("/async/callable/{id}")
    Callable<ResponseEntity<Void>> callable(@PathVariable long id, @RequestParam(required = false) Long version,
                                            @RequestParam int price) {
        return work(id, version, price);
    }

    @PostMapping("/async/web-async-task/{id}")
    WebAsyncTask<ResponseEntity<Void>> webAsyncTask(@PathVariable long id,
                                                    @RequestParam(required = false) Long version,
                                                    @RequestParam int price) {
        return new WebAsyncTask<>(10_000L, work(id, version, price));
    }

    @PostMapping("/async/deferred/{id}")
    DeferredResult<ResponseEntity<Void>> deferred(@PathVariable long id, @RequestParam(required = false) Long version,
                                                  @RequestParam int price) {
        DeferredResult<ResponseEntity<Void>> result = new DeferredResult<>(10_000L);
        Callable<ResponseEntity<Void>> work = work(id, version, price);
        executor.execute(() -> {
            try {
                result.setResult(work.call());
            } catch (Exception e) {
                result.setErrorResult(e);
            }
        });
        return result;
    }

    @PostMapping("/async/future/{id}")
    CompletableFuture<ResponseEntity<Void>> future(@PathVariable long id,
                                                   @RequestParam(required = false) Long version,
                                                   @RequestParam int price) {
        Callable<ResponseEntity<Void>> work = work(id, version, price);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, executor);
    }

    @PostMapping("/async/async-method/{id}")
    CompletableFuture<ResponseEntity<Void>> asyncMethod(@PathVariable long id,
                                                        @RequestParam(required = false) Long version,
                                                        @RequestParam int price) throws Exception {
        return asyncWrites.run(work(id, version, price));
    }

    /** Runs work in an {@code @Async} method, on the executor {@code @Async} uses by default. */
    @Service
    static class AsyncWrites {
        @Async
        public CompletableFuture<ResponseEntity<Void>> run(Callable<ResponseEntity<Void>> work) throws Exception {
            return CompletableFuture.completedFuture(work.call());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncConfiguration {
    }
}
