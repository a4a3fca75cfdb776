package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.Concurrency;
import io.github.concurrency4j.DisableScope;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Application mistakes around handlers that throw: a filter (on {@code /imports/*}, every dispatch) and a handler
 * interceptor (on {@code /intercepted/*}) that open a disable scope before the handler and close it only when the
 * handler returns normally; and handlers there that write unchecked and then fail, directly or in an async
 * {@code Callable}.
 */
@Configuration(proxyBeanMethods = false)
class LeakyFilterAndInterceptor {

    @Bean
    FilterRegistrationBean<Filter> leakyImportFilter(Concurrency concurrency) {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
            DisableScope off = concurrency.disable("product");
            chain.doFilter(request, response);
            off.close();   // the bug: skipped when the chain throws
        });
        registration.addUrlPatterns("/imports/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        return registration;
    }

    @Bean
    WebMvcConfigurer leakyInterceptor(Concurrency concurrency) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new HandlerInterceptor() {
                    private final ThreadLocal<DisableScope> open = new ThreadLocal<>();

                    @Override
                    public boolean preHandle(HttpServletRequest request, HttpServletResponse response,
                                             Object handler) {
                        open.set(concurrency.disable("product"));
                        return true;
                    }

                    @Override
                    public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
                                           org.springframework.web.servlet.ModelAndView modelAndView) {
                        open.get().close();   // the bug: postHandle is skipped when the handler throws
                        open.remove();
                    }
                }).addPathPatterns("/intercepted/**");
            }
        };
    }

    @RestController
    static class FailingImports {
        private final Concurrency concurrency;

        FailingImports(Concurrency concurrency) {
            this.concurrency = concurrency;
        }

        private Void importThenFail(long id, int price) {
            concurrency.table("product").update(id, null, Map.of("price", price));
            throw new IllegalStateException("import failed after the first row");
        }

        @PostMapping({"/imports/{id}/fail", "/intercepted/{id}/fail"})
        Void fail(@PathVariable long id, @RequestParam int price) {
            return importThenFail(id, price);
        }

        @PostMapping("/imports/{id}/async-fail")
        Callable<Void> asyncFail(@PathVariable long id, @RequestParam int price) {
            return () -> {
                throw new IllegalStateException("import failed");
            };
        }
    }
}
