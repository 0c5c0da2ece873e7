package org.score4j.runner.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.score4j.api.Score4jException;

/**
 * The runner's one JSON setup: a Jackson mapper that keeps map order, writes files pretty-printed (two-space
 * indent, one array element per line, final newline) and single-line JSON for logs and messages.
 *
 * <p>The shared mapper is configured once and never changed; only its immutable {@link ObjectReader} and
 * {@link ObjectWriter} views are handed out, so everything here is thread-safe. Use {@link #newMapper()} when
 * an own, mutable mapper is needed (e.g. to register modules).
 */
public final class Json {
    private static final ObjectMapper MAPPER = newMapper();
    private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());
    private static final ObjectWriter COMPACT = MAPPER.writer();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private Json() {}

    /** A new mapper with score4j's settings. */
    public static ObjectMapper newMapper() {
        ObjectMapper m = new ObjectMapper();
        m.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return m;
    }

    /** The writer for files: pretty-printed. */
    public static ObjectWriter prettyWriter() {
        return PRETTY;
    }

    /** The writer for single-line JSON (event logs, bus messages). */
    public static ObjectWriter compactWriter() {
        return COMPACT;
    }

    /** A reader of JSON objects into ordered maps of plain Java values. */
    public static ObjectReader mapReader() {
        return MAPPER.readerFor(MAP);
    }

    /**
     * Writes {@code value} as pretty-printed JSON ending with a newline, atomically (through
     * {@link AtomicFiles}).
     *
     * @throws Score4jException naming the file when it cannot be written or the value cannot be serialized
     */
    public static void writeJson(Path file, Object value) {
        byte[] bytes;
        try {
            bytes = PRETTY.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new Score4jException("cannot write " + file + ": " + e.getOriginalMessage(), e);
        }
        AtomicFiles.write(file, out -> {
            out.write(bytes);
            out.write('\n');
        });
    }

    /** {@code value} as single-line JSON. */
    public static String toJson(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new Score4jException("cannot serialize " + value.getClass().getSimpleName() + " to JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses a JSON object into an ordered map of plain values (maps, lists, strings, numbers, booleans,
     * nulls).
     *
     * @throws Score4jException when the text is not a JSON object
     */
    public static Map<String, Object> parseObject(String json) {
        try {
            Map<String, Object> m = mapReader().readValue(json);
            if (m == null) {
                throw new Score4jException("expected a JSON object, got null");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new Score4jException("invalid JSON: " + e.getOriginalMessage().replace('\n', ' '), e);
        }
    }

    /**
     * Reads a JSON file holding one object.
     *
     * @throws Score4jException naming the file when it is missing, unreadable or not a JSON object
     */
    public static Map<String, Object> readObject(Path file) {
        try {
            Map<String, Object> m = mapReader().readValue(file.toFile());
            if (m == null) {
                throw new Score4jException("cannot read " + file + ": expected a JSON object, got null");
            }
            return m;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
            throw new Score4jException("cannot read " + file + where + ": invalid JSON: "
                    + e.getOriginalMessage().replace('\n', ' '), e);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new Score4jException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new Score4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter lf = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter p = new DefaultPrettyPrinter().withSeparators(
                Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        p.indentArraysWith(lf);
        p.indentObjectsWith(lf);
        return p;
    }
}
