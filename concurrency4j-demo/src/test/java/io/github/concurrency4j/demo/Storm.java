package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrent browser-like clients over real HTTP: each has its own cookies (session, CSRF) and repeats one edit
 * until the time is up. The storm counts what the server acknowledged, so a test can compare it with what the
 * database holds afterwards.
 */
final class Storm {
    /** What one attempt's answer meant. */
    enum Outcome { ACKNOWLEDGED, CONFLICT }

    /** One attempt of a client: read, change, submit; answers what the server said. */
    @FunctionalInterface
    interface Attempt {
        Outcome run(Client client, int clientIndex) throws Exception;
    }

    /** What a storm did. */
    record Result(Map<Integer, Integer> acknowledgedByClient, int conflicts, int serverErrors, List<String> unexpected,
                  long worstLatencyMillis, int requests) {
        int acknowledged() {
            return acknowledgedByClient.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Acknowledged attempts of the clients whose index satisfies the filter. */
        int acknowledged(java.util.function.IntPredicate clients) {
            return acknowledgedByClient.entrySet().stream().filter(e -> clients.test(e.getKey()))
                    .mapToInt(Map.Entry::getValue).sum();
        }

        void assertHealthy(long worstLatencyLimitMillis) {
            assertThat(unexpected).as("unexpected answers").isEmpty();
            assertThat(serverErrors).as("responses >= 500").isZero();
            assertThat(worstLatencyMillis).as("worst latency (ms)").isLessThan(worstLatencyLimitMillis);
            assertThat(acknowledged()).as("acknowledged edits").isPositive();
        }

        @Override
        public String toString() {
            return requests + " requests, " + acknowledged() + " acknowledged, " + conflicts + " conflicts, "
                    + serverErrors + " server errors, worst latency " + worstLatencyMillis + " ms";
        }
    }

    private Storm() {
    }

    static Result run(int port, int clients, Duration duration, Attempt attempt) throws Exception {
        Map<Integer, Integer> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicInteger serverErrors = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        AtomicLong worst = new AtomicLong();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        // One untimed attempt first: the first request of a path compiles its templates and warms the JIT, which on
        // a loaded machine takes seconds that say nothing about the path under contention.
        Client warmup = new Client(port, new AtomicInteger(), serverErrors, new AtomicLong());
        if (attempt.run(warmup, 0) == Outcome.ACKNOWLEDGED) {
            acknowledged.merge(0, 1, Integer::sum);
        }
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int index = i;
                running.add(pool.submit(() -> {
                    Client client = new Client(port, requests, serverErrors, worst);
                    while (System.nanoTime() < deadline && unexpected.size() < 10) {
                        try {
                            if (attempt.run(client, index) == Outcome.ACKNOWLEDGED) {
                                acknowledged.merge(index, 1, Integer::sum);
                            } else {
                                conflicts.incrementAndGet();
                            }
                        } catch (UnexpectedAnswer e) {
                            unexpected.add(e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(Map.copyOf(acknowledged), conflicts.get(), serverErrors.get(), List.copyOf(unexpected),
                worst.get(), requests.get());
    }

    /** An answer the storm's clients do not expect (a 4xx other than a conflict, a 5xx, an unreadable page). */
    static final class UnexpectedAnswer extends RuntimeException {
        UnexpectedAnswer(String message) {
            super(message);
        }
    }

    /** A browser-like client: a {@link FormSession} (cookies, CSRF token) whose requests are timed and checked. */
    static final class Client {
        private final int port;
        private final FormSession session;
        private final AtomicInteger requests;
        private final AtomicInteger serverErrors;
        private final AtomicLong worst;

        Client(int port, AtomicInteger requests, AtomicInteger serverErrors, AtomicLong worst) {
            this.port = port;
            this.session = new FormSession("http://localhost:" + port);
            this.requests = requests;
            this.serverErrors = serverErrors;
            this.worst = worst;
        }

        /** GET a page (the session remembers its CSRF token for the next form post). */
        HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
            if (headers.length > 0) {
                b.headers(headers);
            }
            return send(b);
        }

        /** POST a form as a browser does, with the CSRF token of the page it came from. */
        HttpResponse<String> postForm(String path, Map<String, String> fields) throws IOException, InterruptedException {
            StringBuilder body = new StringBuilder();
            fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
            return send(session.form(path, body.toString())
                    .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"));
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            long start = System.nanoTime();
            HttpResponse<String> r = session.send(request.timeout(Duration.ofSeconds(30)));
            worst.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            requests.incrementAndGet();
            if (r.statusCode() >= 500) {
                serverErrors.incrementAndGet();
                throw new UnexpectedAnswer(r.statusCode() + " for " + r.request().method() + " " + r.uri() + ": "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
            return r;
        }

        URI uri(String path) {
            return URI.create("http://localhost:" + port + path);
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    /** Just enough HTML reading for the demo's own pages. */
    static final class Html {
        private Html() {
        }

        /** The value of the input named {@code name} (a hidden or text input), or of the textarea of that name. */
        /** The list page's line of one row: {@code <tr id="row-7" ...>...</tr>}. */
        static String row(String html, long id) {
            int start = html.indexOf("id=\"row-" + id + "\"");
            if (start < 0) {
                throw new UnexpectedAnswer("No row " + id + " on the page");
            }
            return html.substring(start, html.indexOf("</tr>", start));
        }

        static String value(String html, String name) {
            Matcher input = Pattern.compile("<input[^>]*\\bname=\"" + Pattern.quote(name) + "\"[^>]*>").matcher(html);
            if (input.find()) {
                Matcher v = Pattern.compile("\\bvalue=\"([^\"]*)\"").matcher(input.group());
                return v.find() ? unescape(v.group(1)) : "";
            }
            Matcher area = Pattern.compile("<textarea[^>]*\\bname=\"" + Pattern.quote(name) + "\"[^>]*>([^<]*)</textarea>")
                    .matcher(html);
            if (area.find()) {
                return unescape(area.group(1));
            }
            throw new UnexpectedAnswer("No input '" + name + "' in the page: "
                    + html.substring(0, Math.min(300, html.length())));
        }

        static String unescape(String s) {
            return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&");
        }
    }
}
