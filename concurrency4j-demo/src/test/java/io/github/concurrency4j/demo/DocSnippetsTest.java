package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every Java example in README.md and docs/*.md compiles against the current API, so a renamed method or a changed
 * signature breaks the build instead of the reader's first paste.
 *
 * <p>Examples are fragments: each is compiled either as the body of a method or, when it declares methods (a
 * controller's handler, a {@code @Bean}), as the members of a class, in a scaffold that declares the names the
 * guides take as given ({@code dataSource}, {@code concurrency}, {@code products}, {@code connection}, ...). Blocks
 * that are whole files ({@code package ...}) are the complete apps that {@code QuickstartTest} and
 * {@code SpringGuideAppTest} compile and run.
 */
class DocSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL);

    private static final String IMPORTS = """
            import io.github.concurrency4j.*;
            import io.github.concurrency4j.token.*;
            import io.github.concurrency4j.triggers.*;
            import io.github.concurrency4j.spring.ConcurrencyConfigurer;
            import io.github.concurrency4j.spring.jpa.JpaVersions;
            import io.github.concurrency4j.spring.web.*;
            import io.github.concurrency4j.test.*;
            import jakarta.persistence.EntityManagerFactory;
            import jakarta.servlet.http.HttpServletRequest;
            import java.math.BigDecimal;
            import java.sql.Connection;
            import java.sql.PreparedStatement;
            import java.time.Duration;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.Map;
            import java.util.Optional;
            import java.util.Set;
            import java.util.concurrent.ExecutorService;
            import java.util.concurrent.Executors;
            import java.util.concurrent.Future;
            import javax.sql.DataSource;
            import org.springframework.context.annotation.Bean;
            import org.springframework.http.ResponseEntity;
            import org.springframework.security.config.annotation.web.builders.HttpSecurity;
            import org.springframework.security.web.SecurityFilterChain;
            import org.springframework.transaction.annotation.Transactional;
            import org.springframework.transaction.support.TransactionTemplate;
            import org.springframework.web.bind.annotation.*;
            import org.springframework.web.servlet.mvc.support.RedirectAttributes;
            """;

    /** What the guides' examples take as already there. */
    private static final String SCAFFOLD = IMPORTS + """
            abstract class SnippetScaffold {
                DataSource dataSource, primary, standby;
                Concurrency concurrency;
                VersionedTable products, orders, counters, accounts, table;
                Connection connection;
                EntityManagerFactory emf;
                List<RowChange> changes;
                Row row;
                long id, formVersion, staleVersion, v, h;
                List<List<Map<String, Object>>> chunks;
                List<Identity> checkedRows;
                FormVersion version;
                Map<String, String> form;
                RowVersions rows;
                HttpServletRequest request;
                RestWrites restWrites;
                JpaVersions jpaVersions;
                TransactionTemplate tx;
                Job nightlyJob;

                int importChunk(List<Map<String, Object>> chunk) { return chunk.size(); }
                static Object copy(Map<String, Object> changes, Object entity) { return entity; }

                static final String KEY_ID = "key";

                interface Job { void recount(); }
                interface KmsClient {
                    byte[] generateMac(String keyId, byte[] data);
                    boolean verifyMac(String keyId, byte[] data, byte[] mac);
                }
                record ProductForm(String name, BigDecimal price) {
                    Map<String, Object> values() { return Map.of("name", name, "price", price); }
                }
                static class Product { long getVersion() { return 0; } }
                static class Book {
                    Book() { }
                    Book(Long id, String title) { }
                    void setTitle(String title) { }
                    void setPrice(BigDecimal price) { }
                }
                record BookForm(String title, BigDecimal price) { }
                static class MyDomainException extends RuntimeException {
                    MyDomainException(RecordModifiedException cause) { super(cause); }
                }
            }
            """;

    record Snippet(String name, String code) {
    }

    @Test
    void everyJavaExampleInTheGuidesCompiles() throws IOException {
        List<Snippet> snippets = snippets();
        assertThat(snippets).as("Java examples found in README.md and docs/").hasSizeGreaterThan(30);

        Map<String, String> asBody = compile(snippets, false);
        List<Snippet> retry = snippets.stream().filter(s -> asBody.containsKey(s.name())).toList();
        Map<String, String> asMembers = retry.isEmpty() ? Map.of() : compile(retry, true);

        List<String> broken = new ArrayList<>();
        for (Snippet s : retry) {
            if (asMembers.containsKey(s.name())) {
                broken.add(s.name() + "\n" + s.code() + "\n  as statements: " + asBody.get(s.name())
                        + "\n  as class members: " + asMembers.get(s.name()));
            }
        }
        assertThat(broken).as("examples that do not compile").isEmpty();
    }

    /** The {@code java} blocks of README.md and docs/*.md, each named by file and line. */
    static List<Snippet> snippets() throws IOException {
        Path root = Path.of("..");
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (var docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher m = JAVA_BLOCK.matcher(text);
            while (m.find()) {
                String code = m.group(1);
                if (code.strip().startsWith("package ") || code.contains("public static void main(")) {
                    continue;   // a whole file: QuickstartTest and SpringGuideAppTest compile and run these
                }
                int line = (int) text.substring(0, m.start()).lines().count() + 1;
                snippets.add(new Snippet(file.getFileName() + ":" + line, code));
            }
        }
        return snippets;
    }

    /** Compiles each snippet in its own class; answers the first error of each that fails, by snippet name. */
    private static Map<String, String> compile(List<Snippet> snippets, boolean asMembers) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "doc-snippets");
        List<Path> sources = new ArrayList<>();
        Path scaffold = dir.resolve("SnippetScaffold.java");
        Files.writeString(scaffold, SCAFFOLD);
        sources.add(scaffold);
        Map<String, String> nameByClass = new LinkedHashMap<>();
        for (int i = 0; i < snippets.size(); i++) {
            String cls = "Snippet" + i;
            nameByClass.put(cls, snippets.get(i).name());
            String body = asMembers
                    ? snippets.get(i).code()
                    : "@SuppressWarnings(\"unused\") void snippet() throws Exception {\n" + snippets.get(i).code()
                            + "\n}\n";
            Path file = dir.resolve(cls + ".java");
            Files.writeString(file, IMPORTS + "abstract class " + cls + " extends SnippetScaffold {\n" + body + "}\n");
            sources.add(file);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            javac.getTask(new StringWriter(), files, diagnostics,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString(),
                            "-proc:none", "-parameters", "-XDshould-stop.ifError=FLOW"),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        Map<String, String> errors = new LinkedHashMap<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR || d.getSource() == null) {
                continue;
            }
            String cls = Path.of(d.getSource().toUri()).getFileName().toString().replace(".java", "");
            String name = nameByClass.get(cls);
            if (name == null) {
                throw new AssertionError("the scaffold itself does not compile: " + d.getMessage(Locale.ROOT));
            }
            errors.putIfAbsent(name, "line " + (d.getLineNumber() - IMPORTS.lines().count() - (asMembers ? 1 : 2))
                    + ": " + d.getMessage(Locale.ROOT));
        }
        return errors;
    }
}
