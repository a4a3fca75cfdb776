package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged demo runs as the README says: {@code java -jar concurrency4j-demo/target/concurrency4j-demo-*.jar}
 * (not "no main manifest attribute"), keeps its H2 file under ./data of the directory it was started in, and serves
 * the list page with its grid and selection tokens. Run by failsafe after the package phase ({@code mvn verify}).
 */
class ExecutableJarIT {
    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

    @Test
    void theJarStartsWithJavaDashJarAndServesTheListPage(@TempDir Path workingDirectory) throws Exception {
        Path jar = Path.of(System.getProperty("demo.jar", "target/concurrency4j-demo-0.1.0-SNAPSHOT.jar"));
        assertThat(jar).as("the packaged jar (mvn package)").isRegularFile();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process demo = new ProcessBuilder(java.toString(), "-jar", jar.toAbsolutePath().toString(),
                "--server.port=0")
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            int port = portOf(demo);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> home = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(home.statusCode()).isEqualTo(302);
            assertThat(home.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/products"));

            HttpResponse<String> list = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/products")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).contains("<h1>Products</h1>").contains("name=\"_c4j_rows\"")
                    .contains("name=\"_c4j_selected\"").contains("name=\"price[1]\"");
            assertThat(workingDirectory.resolve("data")).as("the H2 file lands in ./data").isDirectory();
            try (var files = Files.list(workingDirectory.resolve("data"))) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.endsWith(".mv.db"));
            }
        } finally {
            demo.descendants().forEach(ProcessHandle::destroy);
            demo.destroy();
            if (!demo.waitFor(30, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    /**
     * The port Tomcat names in the demo's output. The output is read to its end by a thread of its own, so that the
     * demo never blocks on a full pipe; fails with the output when the demo exits first or takes three minutes.
     */
    private static int portOf(Process demo) throws Exception {
        StringBuffer output = new StringBuffer();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                output.append(e);
            }
            port.complete(-1);
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        int found;
        try {
            found = port.get(180, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            found = -1;
        }
        if (found < 0) {
            throw new AssertionError("java -jar did not start the demo:\n" + output);
        }
        return found;
    }
}
