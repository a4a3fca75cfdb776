package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The README's quickstart, compiled and run exactly as a user would paste it. */
class QuickstartTest {

    @Test
    void readmeQuickstartCompilesRunsAndShowsARefusedStaleWrite() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf("<!-- quickstart:begin -->");
        int end = readme.indexOf("<!-- quickstart:end -->");
        assertThat(begin).as("README quickstart markers").isNotNegative();
        String block = readme.substring(begin, end);
        String source = block.substring(block.indexOf("```java") + "```java".length(), block.lastIndexOf("```"));

        Path dir = Files.createTempDirectory(Path.of("target"), "quickstart");
        Path file = dir.resolve("Quickstart.java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("Quickstart").getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Refused update of product 1: it was based on version 1, but the row is now at "
                + "version 2 (changed by someone else).");
        assertThat(printed).contains("Stored price: 12");
        // The README shows the output; keep it true.
        assertThat(readme).contains(printed.lines().findFirst().orElseThrow());
    }
}
