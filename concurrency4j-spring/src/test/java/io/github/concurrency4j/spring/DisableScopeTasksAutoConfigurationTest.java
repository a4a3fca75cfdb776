package io.github.concurrency4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.spring.autoconfigure.ConcurrencyAutoConfiguration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Spring Boot's task executor and scheduler close the disable scopes a task left open on its pooled thread (one
 * thread each, so that the next task runs on the same one), and keep the application's own task decorator.
 */
@ExtendWith(OutputCaptureExtension.class)
class DisableScopeTasksAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    SqlInitializationAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, ConcurrencyAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:tasks-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                    "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:autoconfig-schema.sql",
                    "concurrency4j.tables.item.key=item_id", "concurrency4j.tables.item.version-column=rev",
                    "spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
                    "spring.task.scheduling.pool.size=1");

    /** Leaks a scope in one task, then asks in the next task (same thread) which scopes it finds open. */
    private static List<?> leakThenLook(AsyncTaskExecutor pool, Concurrency concurrency)
            throws Exception {
        String first = pool.submit(() -> {
            concurrency.disable("item");   // never closed
            return Thread.currentThread().getName();
        }).get(10, TimeUnit.SECONDS);
        return pool.submit(() -> {
            assertThat(Thread.currentThread().getName()).isEqualTo(first);
            return concurrency.closeDisableScopes();
        }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aScopeATaskLeftOpenIsClosedBeforeTheNextTaskOnItsThreadAndLogged(CapturedOutput output) throws Exception {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            Concurrency concurrency = context.getBean(Concurrency.class);
            ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
            assertThat(leakThenLook(executor, concurrency)).isEmpty();
            assertThat(output).contains("ended with 1 disable scope(s) still open on thread task-1: "
                    + "[DisableScope[CHECK [item]");

            ThreadPoolTaskScheduler scheduler = context.getBean(ThreadPoolTaskSchedulerBuilder.class).build();
            scheduler.initialize();
            try {
                assertThat(leakThenLook(scheduler, concurrency)).isEmpty();
            } finally {
                scheduler.shutdown();
            }
        });
    }

    @Test
    void theApplicationsOwnTaskDecoratorStillRuns() {
        AtomicInteger decorated = new AtomicInteger();
        runner.withBean(TaskDecorator.class, () -> task -> () -> {
            decorated.incrementAndGet();
            task.run();
        }).run(context -> {
            Concurrency concurrency = context.getBean(Concurrency.class);
            ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
            assertThat(leakThenLook(executor, concurrency)).isEmpty();
            assertThat(decorated).hasValue(2);
        });
    }

    /** A caller-runs rejection policy runs a task on its submitter's thread: the submitter's open scope stays. */
    @Test
    void aTaskRunByItsOwnSubmitterLeavesTheSubmittersScopeOpen() {
        runner.run(context -> {
            Concurrency concurrency = context.getBean(Concurrency.class);
            try (io.github.concurrency4j.DisableScope off = concurrency.disable("item")) {
                Runnable task = new DisableScopeTaskDecorator(concurrency).decorate(() -> { });
                task.run();
                assertThat(concurrency.closeDisableScopes()).containsExactly(off);
            }
        });
    }
}
