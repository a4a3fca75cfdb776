package io.github.concurrency4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/from-django.md promises that every seed feature links the test proving its equivalent: each linked test
 * file exists and each linked method is declared in it, so a renamed or deleted test breaks the build, not the guide.
 */
class FromDjangoGuideTest {
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)");

    @Test
    void everyTestTheGuideLinksExists() throws IOException {
        Path guide = Path.of("..", "docs", "from-django.md");
        String text = Files.readString(guide);
        List<String> broken = new ArrayList<>();
        int methods = 0;
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            String url = m.group(2);
            if (url.startsWith("http")) {
                continue;
            }
            int hash = url.indexOf('#');
            Path target = guide.getParent().resolve(hash < 0 ? url : url.substring(0, hash)).normalize();
            if (!Files.exists(target)) {
                broken.add(url + " (no such file)");
                continue;
            }
            if (hash >= 0 && url.substring(0, hash).endsWith(".java")) {
                String method = url.substring(hash + 1);
                methods++;
                if (!Pattern.compile("void\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(Files.readString(target))
                        .find()) {
                    broken.add(url + " (no method " + method + ")");
                }
            }
        }
        assertThat(broken).as("links in %s", guide).isEmpty();
        assertThat(methods).as("test methods linked from the guide").isGreaterThan(150);
    }
}
