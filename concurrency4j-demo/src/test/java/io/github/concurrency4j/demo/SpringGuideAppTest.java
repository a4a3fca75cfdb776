package io.github.concurrency4j.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The complete app of docs/spring.md ("A complete app"), as a new user would copy it: every marked block is
 * written to its path, the Java files are compiled with nothing added (against the starter and the Spring Boot
 * starters the guide's pom names, without this module's own classes), and the app is started on H2 with its own
 * class loader and driven over real HTTP. Every write is checked in the app's database: what was reported saved is
 * there, what was refused is not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringGuideAppTest {
    private static final Pattern FILE_BLOCK =
            Pattern.compile("<!-- app:file (\\S+) -->\\n```\\w+\\n(.*?)\\n```\\n", Pattern.DOTALL);
    private static final List<String> EXPECTED_FILES = List.of(
            "pom.xml",
            "src/main/resources/application.properties",
            "src/main/resources/schema.sql",
            "src/main/resources/data.sql",
            "src/main/java/com/example/shop/ShopApplication.java",
            "src/main/java/com/example/shop/SecurityConfiguration.java",
            "src/main/java/com/example/shop/Product.java",
            "src/main/java/com/example/shop/ProductRepository.java",
            "src/main/java/com/example/shop/ProductForm.java",
            "src/main/java/com/example/shop/ProductController.java",
            "src/main/java/com/example/shop/ProductApi.java",
            "src/main/resources/templates/products.html",
            "src/main/resources/templates/edit.html");

    private final String guide;
    private Map<String, String> files;
    private String compilerOutput;
    private URLClassLoader appLoader;
    private AutoCloseable app;
    private DataSource database;
    private String base;

    SpringGuideAppTest() throws Exception {
        guide = Files.readString(Path.of("..", "docs", "spring.md"));
    }

    @BeforeAll
    void compileAndStartTheGuidesApp() throws Exception {
        files = new LinkedHashMap<>();
        Matcher m = FILE_BLOCK.matcher(guide);
        while (m.find()) {
            assertThat(files.put(m.group(1), m.group(2) + "\n")).as("file shown twice: " + m.group(1)).isNull();
        }
        assertThat(files.keySet()).as("the files of docs/spring.md's complete app").containsExactlyElementsOf(EXPECTED_FILES);

        Path project = Files.createTempDirectory(Path.of("target"), "spring-guide-app");
        Path classes = Files.createDirectories(project.resolve("target/classes"));
        List<String> sources = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = project.resolve(f.getKey());
            Files.createDirectories(file.getParent() == null ? project : file.getParent());
            Files.writeString(file, f.getValue());
            if (f.getKey().endsWith(".java")) {
                sources.add(file.toString());
            } else if (f.getKey().startsWith("src/main/resources/")) {   // what Maven's resources phase does
                Path target = classes.resolve(f.getKey().substring("src/main/resources/".length()));
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue());
            }
        }

        // The user's class path: the starter and Spring Boot's starters, not the demo's own classes.
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String normalized = entry.replace(File.separatorChar, '/');
            // (An entry that does not exist, like the starter's empty classes directory, is no part of a user's.)
            if (!normalized.contains("concurrency4j-demo/target/") && Files.exists(Path.of(entry))) {
                classPath.add(entry);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("-Xlint:all", "-parameters", "-proc:none", "--release", "17",
                "-classpath", String.join(File.pathSeparator, classPath), "-d", classes.toString()));
        args.addAll(sources);
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        compilerOutput = diagnostics.toString(StandardCharsets.UTF_8);
        assertThat(status).as(compilerOutput).isZero();

        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        for (String entry : classPath) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        appLoader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(appLoader);
        try {
            // The JVM's URL stream handler factory can be set once; the first Tomcat started in this test JVM (the
            // demo's, in the other tests) has set it, so this app's own copy of Tomcat must not try again.
            appLoader.loadClass("org.apache.catalina.webresources.TomcatURLStreamHandlerFactory").getMethod("disable")
                    .invoke(null);
            Class<?> application = appLoader.loadClass("com.example.shop.ShopApplication");
            Method run = appLoader.loadClass("org.springframework.boot.SpringApplication")
                    .getMethod("run", Class.class, String[].class);
            // As "C4J_SECRET=... mvn spring-boot:run" would: the secret resolves the properties' ${C4J_SECRET}.
            Object context = run.invoke(null, application, new String[] {"--server.port=0",
                    "--C4J_SECRET=guide-app-test-secret-0123456789"});
            app = (AutoCloseable) context;
            Object environment = context.getClass().getMethod("getEnvironment").invoke(context);
            String port = (String) environment.getClass().getMethod("getProperty", String.class)
                    .invoke(environment, "local.server.port");
            base = "http://localhost:" + port;
            database = (DataSource) context.getClass().getMethod("getBean", Class.class).invoke(context, DataSource.class);
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @AfterAll
    void stop() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(appLoader);
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            thread.setContextClassLoader(original);
            if (appLoader != null) {
                appLoader.close();
            }
        }
    }

    @Test
    void theGuidesFilesCompileWithoutAWarningAndThePomNamesWhatTheTestRunsAgainst() throws Exception {
        assertThat(compilerOutput).as("javac -Xlint:all on the guide's code").isEmpty();
        // Every import is used (javac does not say): what the reader copies is what the code needs.
        Pattern imports = Pattern.compile("^import ([\\w.]+)\\.(\\w+);$", Pattern.MULTILINE);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Matcher i = imports.matcher(f.getValue());
            String body = f.getValue().replaceAll("(?m)^import .*$", "");
            while (i.find()) {
                assertThat(body).as(f.getKey() + " uses its import " + i.group(1) + "." + i.group(2))
                        .containsPattern("\\b" + i.group(2) + "\\b");
            }
        }

        String rootPom = Files.readString(Path.of("..", "pom.xml"));
        String pom = files.get("pom.xml");
        assertThat(pom).as("Spring Boot parent at the project's Spring Boot version")
                .contains("<artifactId>spring-boot-starter-parent</artifactId>\n    <version>"
                        + between(rootPom, "<spring-boot.version>", "</spring-boot.version>") + "</version>");
        assertThat(pom).contains("<artifactId>concurrency4j-spring-boot-starter</artifactId>\n      <version>"
                + between(rootPom.substring(rootPom.indexOf("</artifactId>")), "<version>", "</version>") + "</version>");
        // Every dependency the pom names is on the class path the app was compiled and run with.
        String classPath = System.getProperty("java.class.path").replace(File.separatorChar, '/');
        Matcher artifact = Pattern.compile("<dependency>\\s*<groupId>[^<]+</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                .matcher(pom);
        int dependencies = 0;
        while (artifact.find()) {
            dependencies++;
            assertThat(classPath).as(artifact.group(1)).containsPattern("/" + Pattern.quote(artifact.group(1)) + "[-/]");
        }
        assertThat(dependencies).isEqualTo(6);
    }

    @Test
    void bothListPagesShowTheRowsOfTheTableWithTheirGridInputs() throws Exception {
        insert(10, "Quince", "3.10");
        FormSession user = new FormSession(base);
        for (String path : List.of("/products", "/products/jpa")) {
            HttpResponse<String> page = user.get(path);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains(path.endsWith("jpa") ? "<span>JPA</span>" : "<span>JdbcTemplate</span>");
            Map<String, GridRow> rows = gridRows(page.body());
            assertThat(rows.keySet()).contains("1", "2", "3", "10");
            assertThat(rows.get("1").name()).isEqualTo("Apple");
            assertThat(rows.get("10").name()).isEqualTo("Quince");
            assertThat(rows.get("10").price()).isEqualTo("3.10");
            assertThat(rows.get("10").gridToken()).isNotBlank();
            assertThat(rows.get("10").checkboxToken()).isNotBlank().isNotEqualTo(rows.get("10").gridToken());
        }
    }

    @Test
    void editSavesAndAStaleEditGetsTheConflictPageAndWritesNothing() throws Exception {
        insert(20, "Fig", "1.00");
        FormSession alice = new FormSession(base);
        FormSession bob = new FormSession(base);
        String aliceToken = editToken(alice.get("/products/20/edit").body());
        String bobToken = editToken(bob.get("/products/20/edit").body());

        HttpResponse<String> saved = post(alice, "/products/20/edit", "name=Fig&price=5.00&_c4j_token=" + enc(aliceToken));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(stored(20)).isEqualTo(new Stored("Fig", new BigDecimal("5.00"), 2));
        assertThat(alice.get("/products").body()).contains("Saved.");

        HttpResponse<String> stale = post(bob, "/products/20/edit", "name=Fig&price=6.00&_c4j_token=" + enc(bobToken));
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("This record was changed by someone else", "Re-apply my changes");
        assertThat(stored(20)).isEqualTo(new Stored("Fig", new BigDecimal("5.00"), 2));

        // Spring Security's CSRF check: a post without the session's token is refused before the controller.
        HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/products/20/edit"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=Forged&price=0&_c4j_token=" + enc(editToken(alice.get("/products/20/edit").body()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(stored(20)).isEqualTo(new Stored("Fig", new BigDecimal("5.00"), 2));
    }

    @Test
    void aValidationErrorReshowsTheFormWithItsOriginalTokenSoASaveMadeMeanwhileIsStillAConflict() throws Exception {
        insert(30, "Kiwi", "2.00");
        FormSession user = new FormSession(base);
        FormSession other = new FormSession(base);
        String original = editToken(user.get("/products/30/edit").body());

        // Someone else changes the price while the user is typing.
        String theirs = editToken(other.get("/products/30/edit").body());
        assertThat(post(other, "/products/30/edit", "name=Kiwi&price=7.00&_c4j_token=" + enc(theirs)).statusCode())
                .isEqualTo(302);
        assertThat(stored(30)).isEqualTo(new Stored("Kiwi", new BigDecimal("7.00"), 2));

        // The user's input is invalid: the form comes back with the error, what they typed, and the token it was
        // opened with (version 1), not one for the row as stored now (version 2).
        HttpResponse<String> invalid = post(user, "/products/30/edit", "name=Kiwi&price=-1&_c4j_token=" + enc(original));
        assertThat(invalid.statusCode()).isEqualTo(200);
        assertThat(invalid.body()).contains("The price cannot be negative.", "value=\"-1\"");
        assertThat(editToken(invalid.body())).as("the re-shown form keeps the token it was opened with").isEqualTo(original);
        assertThat(stored(30)).isEqualTo(new Stored("Kiwi", new BigDecimal("7.00"), 2));

        HttpResponse<String> resubmitted = post(user, "/products/30/edit",
                "name=Kiwi&price=3.00&_c4j_token=" + enc(editToken(invalid.body())));
        assertThat(resubmitted.statusCode()).as("both changed the price: a person decides").isEqualTo(409);
        assertThat(resubmitted.body()).contains("This record was changed by someone else");
        assertThat(stored(30)).isEqualTo(new Stored("Kiwi", new BigDecimal("7.00"), 2));
    }

    @Test
    void aValidationErrorAfterASaveOfAnotherFieldMeanwhileStillMergesBothEdits() throws Exception {
        insert(31, "Lime", "2.00");
        FormSession user = new FormSession(base);
        FormSession other = new FormSession(base);
        String original = editToken(user.get("/products/31/edit").body());

        String theirs = editToken(other.get("/products/31/edit").body());
        assertThat(post(other, "/products/31/edit", "name=Key+lime&price=2.00&_c4j_token=" + enc(theirs)).statusCode())
                .isEqualTo(302);

        HttpResponse<String> invalid = post(user, "/products/31/edit", "name=Lime&price=abc&_c4j_token=" + enc(original));
        assertThat(invalid.statusCode()).isEqualTo(200);
        assertThat(invalid.body()).contains("value=\"Lime\"", "value=\"abc\"", "price");
        assertThat(editToken(invalid.body())).isEqualTo(original);

        // The user left the name as they saw it ("Lime"): with the original token that is no change, so the
        // other's "Key lime" stays and the price is merged on top. A token for the stored row would have taken
        // "Lime" for a change and written it over "Key lime".
        HttpResponse<String> merged = post(user, "/products/31/edit",
                "name=Lime&price=2.50&_c4j_token=" + enc(editToken(invalid.body())));
        assertThat(merged.statusCode()).isEqualTo(302);
        assertThat(user.get("/products").body()).contains("did not overlap and were merged");
        assertThat(stored(31)).isEqualTo(new Stored("Key lime", new BigDecimal("2.50"), 3));
    }

    @Test
    void theGridSavesTheCurrentRowsAndNamesTheStaleOne() throws Exception {
        insert(40, "Date", "4.00");
        insert(41, "Grape", "4.10");
        insert(42, "Melon", "4.20");
        FormSession user = new FormSession(base);
        Map<String, GridRow> rows = gridRows(user.get("/products").body());

        FormSession other = new FormSession(base);
        String theirs = editToken(other.get("/products/41/edit").body());
        assertThat(post(other, "/products/41/edit", "name=Red+grape&price=4.10&_c4j_token=" + enc(theirs)).statusCode())
                .isEqualTo(302);

        Map<String, String> edits = Map.of("price[40]", "5.00", "price[41]", "5.10");
        HttpResponse<String> saved = post(user, "/products/grid", gridForm(rows, edits, List.of()));
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(user.get("/products").body())
                .contains("Product 41 was changed by someone else and was not saved. 1 product saved.");
        assertThat(stored(40)).isEqualTo(new Stored("Date", new BigDecimal("5.00"), 2));
        assertThat(stored(41)).isEqualTo(new Stored("Red grape", new BigDecimal("4.10"), 2));
        assertThat(stored(42)).as("untouched row not written").isEqualTo(new Stored("Melon", new BigDecimal("4.20"), 1));

        // A negative price in the grid is refused like the edit form's, and nothing of the grid is saved.
        rows = gridRows(user.get("/products").body());
        post(user, "/products/grid", gridForm(rows, Map.of("price[40]", "6.00", "price[42]", "-4"), List.of()));
        assertThat(user.get("/products").body()).contains("Product 42: The price cannot be negative. Nothing was saved.");
        assertThat(stored(40)).isEqualTo(new Stored("Date", new BigDecimal("5.00"), 2));
        assertThat(stored(42)).isEqualTo(new Stored("Melon", new BigDecimal("4.20"), 1));
    }

    @Test
    void deleteSelectedIsRefusedAfterAConcurrentChangeAndDeletesWhenTheRowsAreCurrent() throws Exception {
        insert(50, "Lemon", "0.50");
        insert(51, "Orange", "0.60");
        FormSession user = new FormSession(base);
        Map<String, GridRow> rows = gridRows(user.get("/products").body());

        FormSession other = new FormSession(base);
        String theirs = editToken(other.get("/products/51/edit").body());
        assertThat(post(other, "/products/51/edit", "name=Orange&price=0.70&_c4j_token=" + enc(theirs)).statusCode())
                .isEqualTo(302);

        HttpResponse<String> refused = post(user, "/products/delete", gridForm(rows, Map.of(), List.of("50", "51")));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("Record 51 was changed by someone else since you saw it. The action was not"
                + " carried out");
        assertThat(stored(50)).isEqualTo(new Stored("Lemon", new BigDecimal("0.50"), 1));
        assertThat(stored(51)).isEqualTo(new Stored("Orange", new BigDecimal("0.70"), 2));

        rows = gridRows(user.get("/products").body());
        HttpResponse<String> deleted = post(user, "/products/delete", gridForm(rows, Map.of(), List.of("50", "51")));
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(user.get("/products").body()).contains("2 products deleted.");
        assertThat(find(50)).isEmpty();
        assertThat(find(51)).isEmpty();
    }

    @Test
    void restGetGivesTheVersionAsETagAndPatchAnswers200Or412Or428() throws Exception {
        insert(60, "Mango", "3.00");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(base + "/api/products/60")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(got.body()).contains("\"name\":\"Mango\"");

        HttpResponse<String> patched = http.send(patch(60, "\"1\"", "{\"price\": 9.99}"), HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(patched.body()).contains("9.99");
        assertThat(stored(60)).isEqualTo(new Stored("Mango", new BigDecimal("9.99"), 2));

        HttpResponse<String> stale = http.send(patch(60, "\"1\"", "{\"price\": 1}"), HttpResponse.BodyHandlers.ofString());
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(stored(60)).isEqualTo(new Stored("Mango", new BigDecimal("9.99"), 2));

        HttpResponse<String> unconditional = http.send(patch(60, null, "{\"price\": 1}"), HttpResponse.BodyHandlers.ofString());
        assertThat(unconditional.statusCode()).isEqualTo(428);
        assertThat(stored(60)).isEqualTo(new Stored("Mango", new BigDecimal("9.99"), 2));

        HttpResponse<String> negative = http.send(patch(60, "\"2\"", "{\"price\": -1}"), HttpResponse.BodyHandlers.ofString());
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.body()).contains("\"field\":\"price\"");
        assertThat(stored(60)).isEqualTo(new Stored("Mango", new BigDecimal("9.99"), 2));
    }

    // --- HTTP like a browser -------------------------------------------------------------------------------------

    /** A form post that prefers HTML, as a browser's does (the conflict page is HTML, not a problem document). */
    private static HttpResponse<String> post(FormSession session, String path, String body) throws Exception {
        return session.send(session.form(path, body).header("Accept", "text/html"));
    }

    private HttpRequest patch(long id, String ifMatch, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/products/" + id))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json));
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return b.build();
    }

    private static final Pattern TOKEN = Pattern.compile("<input type=\"hidden\" name=\"_c4j_token\" value=\"([^\"]+)\">");
    private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);

    private static String editToken(String page) {
        Matcher m = TOKEN.matcher(page);
        assertThat(m.find()).as("edit form token in\n" + page).isTrue();
        return m.group(1);
    }

    /** One line of the list page's table, as its inputs show it. */
    private record GridRow(String key, String checkboxToken, String gridToken, String name, String price) {
    }

    private static Map<String, GridRow> gridRows(String page) {
        Map<String, GridRow> rows = new LinkedHashMap<>();
        Matcher tr = ROW.matcher(page);
        while (tr.find()) {
            String html = tr.group(1);
            Matcher name = Pattern.compile("name=\"name\\[(\\d+)]\" value=\"([^\"]*)\"").matcher(html);
            if (!name.find()) {
                continue;   // the header row
            }
            String key = name.group(1);
            rows.put(key, new GridRow(key, attribute(html, "_c4j_selected"), attribute(html, "_c4j_rows"), name.group(2),
                    attribute(html, "price\\[" + key + "]")));
        }
        return rows;
    }

    private static String attribute(String html, String inputName) {
        Matcher m = Pattern.compile("name=\"" + inputName + "\" value=\"([^\"]*)\"").matcher(html);
        assertThat(m.find()).as(inputName + " in " + html).isTrue();
        return m.group(1);
    }

    /** What a browser posts from the list page: every row's inputs (edited where asked) and the ticked boxes. */
    private static String gridForm(Map<String, GridRow> rows, Map<String, String> edits, List<String> ticked) {
        StringJoiner form = new StringJoiner("&");
        for (GridRow r : rows.values()) {
            if (ticked.contains(r.key())) {
                form.add("_c4j_selected=" + enc(r.checkboxToken()));
            }
            form.add("_c4j_rows=" + enc(r.gridToken()));
            form.add(enc("name[" + r.key() + "]") + "=" + enc(edits.getOrDefault("name[" + r.key() + "]", r.name())));
            form.add(enc("price[" + r.key() + "]") + "=" + enc(edits.getOrDefault("price[" + r.key() + "]", r.price())));
        }
        return form.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open) + open.length();
        return text.substring(start, text.indexOf(close, start));
    }

    // --- The app's database ---------------------------------------------------------------------------------------

    private record Stored(String name, BigDecimal price, long version) {
    }

    private void insert(long id, String name, String price) throws Exception {
        try (Connection c = database.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO product (id, name, price, version) VALUES (?, ?, ?, 1)")) {
            s.setLong(1, id);
            s.setString(2, name);
            s.setBigDecimal(3, new BigDecimal(price));
            s.executeUpdate();
        }
    }

    private Optional<Stored> find(long id) throws Exception {
        try (Connection c = database.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT name, price, version FROM product WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Stored(rs.getString(1), rs.getBigDecimal(2), rs.getLong(3)))
                        : Optional.empty();
            }
        }
    }

    private Stored stored(long id) throws Exception {
        return find(id).orElseThrow(() -> new AssertionError("product " + id + " is not in the table"));
    }
}
