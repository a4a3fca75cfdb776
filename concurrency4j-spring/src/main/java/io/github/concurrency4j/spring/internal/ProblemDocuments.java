package io.github.concurrency4j.spring.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;

/**
 * RFC 9457 problem documents: Spring's {@link ProblemDetail}, written by Jackson. The mapper is this module's own,
 * not the application's: the members of a problem document are fixed by the RFC and must not follow an application's
 * naming strategy or date settings.
 */
public final class ProblemDocuments {
    /** The media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * Jackson with {@code <}, {@code >} and {@code &} escaped ({@code \u003c}...): a problem document opened as a page,
     * or pasted into one, then carries no markup (the values echo what a client sent).
     */
    private static final ObjectWriter WRITER = Jackson2ObjectMapperBuilder.json()
            .mixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class)
            .build()
            .writer()
            .with(new HtmlSafeEscapes())
            .without(JsonWriteFeature.WRITE_HEX_UPPER_CASE);

    private static final class HtmlSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] escapes = standardAsciiEscapesForJSON();

        HtmlSafeEscapes() {
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    private ProblemDocuments() {
    }

    /**
     * A problem document of the standard members and these extension members (in order). Extension values that JSON
     * has no type for (dates, database types) are written as their text, and numbers as JSON numbers.
     */
    public static ProblemDetail of(HttpStatus status, URI type, String title, String detail, String instance,
                                   Map<String, ?> extensions) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        if (instance != null) {
            try {
                problem.setInstance(URI.create(instance));
            } catch (IllegalArgumentException unparsable) {
                // A path the URI grammar refuses is left out rather than failing the error response.
            }
        }
        extensions.forEach((k, v) -> problem.setProperty(k, plain(v)));
        return problem;
    }

    /** The document as JSON text. */
    public static String json(ProblemDetail problem) {
        try {
            return WRITER.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            // plain(...) leaves only JSON-native values, so this is a programming error.
            throw new IllegalStateException("Cannot write a problem document", e);
        }
    }

    /** The value as JSON can hold it: maps, lists, strings, booleans, finite numbers; anything else as text. */
    static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short || v instanceof Byte || v instanceof BigInteger || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Double d) {
            return d.isInfinite() || d.isNaN() ? d.toString() : d;
        }
        if (v instanceof Float f) {
            return f.isInfinite() || f.isNaN() ? f.toString() : f;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(plain(x)));
            return out;
        }
        return String.valueOf(v);
    }
}
