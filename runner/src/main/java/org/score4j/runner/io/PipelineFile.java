package org.score4j.runner.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

/**
 * Reads a pipeline file (YAML, or JSON for files ending in {@code .json}) into a {@link PipelineSpec}, on
 * top of {@link PipelineSpec#defaults()} or another base: keys the file leaves out keep the base's value.
 *
 * <pre>{@code
 * sde: vp                      # a plugin name, or {name: vp, beta_max: 20}
 * model: {name: gmm, spec: mixture.json}
 * solver: pc
 * predictor: reverse-diffusion # null (~) leaves the choice to the solver
 * corrector: {name: langevin, snr: 0.16, n_steps: 1}
 * schedule: uniform
 * guidance: []                 # a list of plugins (names or maps), applied in order; one plugin alone is a list of one
 * steps: 1000
 * n: 1000
 * seed: 0
 * batch_size: 10000
 * }</pre>
 *
 * <p>A plugin's configuration values must be scalars; they are passed on in their text form, exactly as
 * written for numbers ({@code 1e-3} stays {@code "1e-3"}) and as {@code true}/{@code false} for booleans,
 * and validated later against the plugin's declared keys. Paths inside configurations are left as written,
 * so relative paths are resolved against the working folder of the process, not the pipeline file's
 * folder.
 *
 * <p>Every error is a {@link ConfigException} (a {@link Score4jException} for an unreadable file) with a
 * one-line message naming the file and, where known, the line: syntax errors, unknown keys (listing the
 * allowed ones), keys given twice, values of the wrong type or out of range, plugin maps without
 * {@code name}. Stateless and thread-safe.
 */
public final class PipelineFile {
    /** The keys a pipeline file may contain, in documentation order. */
    public static final List<String> KEYS = List.of("sde", "model", "solver", "predictor", "corrector",
            "schedule", "guidance", "steps", "n", "seed", "batch_size");

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private PipelineFile() {}

    /** Reads {@code file} on top of {@link PipelineSpec#defaults()}. */
    public static PipelineSpec read(Path file) {
        return read(file, PipelineSpec.defaults());
    }

    /**
     * Reads {@code file} on top of {@code base}.
     *
     * @throws Score4jException when the file is missing or unreadable
     * @throws ConfigException when its content is invalid
     */
    public static PipelineSpec read(Path file, PipelineSpec base) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new Score4jException("cannot read pipeline file " + file + ": it is a folder");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Score4jException("cannot read pipeline file " + file + ": no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException("cannot read pipeline file " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new Score4jException("cannot read pipeline file " + file + ": " + AtomicFiles.describe(e), e);
        }
        boolean json = file.getFileName() != null
                && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
        return parse(text, file.toString(), json, base);
    }

    /**
     * Parses pipeline text on top of {@code base}.
     *
     * @param source names the text in messages (usually the file name)
     * @param json whether the text is JSON (else YAML, which also reads most JSON)
     * @throws ConfigException when the content is invalid
     */
    public static PipelineSpec parse(String text, String source, boolean json, PipelineSpec base) {
        Node root = tree(text, source, json);
        return new Reader(source).apply(root, base);
    }

    // ------------------------------------------------------------------ a small tree with line numbers

    private enum Kind { MAP, LIST, SCALAR, NULL }

    /** A parsed value: a map (ordered), a list, a scalar with its text and token, or null. */
    private record Node(Kind kind, int line, JsonToken token, String text, BigInteger integer,
            Map<String, Node> map, Map<String, Integer> keyLines, List<Node> list) {

        String describe() {
            switch (kind) {
                case MAP:
                    return "a map";
                case LIST:
                    return "a list";
                case NULL:
                    return "nothing";
                default:
                    return token == JsonToken.VALUE_STRING ? "\"" + text + "\"" : text;
            }
        }
    }

    private static Node tree(String text, String source, boolean json) {
        try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            Node root = node(p, source);
            if (p.nextToken() != null) {
                throw new ConfigException(source + " line " + line(p.currentLocation())
                        + ": more than one document; a pipeline file holds one map");
            }
            return root;
        } catch (JsonProcessingException e) {
            String format = json ? "JSON" : "YAML";
            int line = line(e.getLocation());
            String what = firstLine(e.getOriginalMessage());
            if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
                // SnakeYAML's message starts with the context ("while parsing a flow mapping"); the problem and
                // its position say more
                what = firstLine(y.getProblem()) + (y.getContext() == null ? "" : " (" + firstLine(y.getContext()) + ")");
                if (y.getProblemMark() != null) {
                    line = y.getProblemMark().getLine() + 1;
                }
            }
            throw new ConfigException(source + " line " + line + ": " + format + " syntax error: " + what, e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static Node node(JsonParser p, String source) throws IOException {
        JsonToken t = p.currentToken();
        int line = line(p.currentTokenLocation());
        switch (t) {
            case START_OBJECT: {
                Map<String, Node> map = new LinkedHashMap<>();
                Map<String, Integer> lines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = line(p.currentTokenLocation());
                    p.nextToken();
                    Node value = node(p, source);
                    if (map.containsKey(key)) {
                        throw new ConfigException(source + " line " + keyLine + ": key '" + key
                                + "' given twice (first on line " + lines.get(key) + ")");
                    }
                    map.put(key, value);
                    lines.put(key, keyLine);
                }
                return new Node(Kind.MAP, line, t, null, null, map, lines, null);
            }
            case START_ARRAY: {
                List<Node> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(node(p, source));
                }
                return new Node(Kind.LIST, line, t, null, null, null, null, list);
            }
            case VALUE_NULL:
                return new Node(Kind.NULL, line, t, null, null, null, null, null);
            case VALUE_NUMBER_INT:
                return new Node(Kind.SCALAR, line, t, p.getText(), p.getBigIntegerValue(), null, null, null);
            case VALUE_TRUE:
                return new Node(Kind.SCALAR, line, t, "true", null, null, null, null);
            case VALUE_FALSE:
                return new Node(Kind.SCALAR, line, t, "false", null, null, null, null);
            case VALUE_NUMBER_FLOAT:
            case VALUE_STRING:
                return new Node(Kind.SCALAR, line, t, p.getText(), null, null, null, null);
            default:
                throw new ConfigException(source + " line " + line + ": unsupported value " + t);
        }
    }

    private static int line(JsonLocation loc) {
        return loc == null ? 0 : loc.getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String s = message.strip();
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    // ------------------------------------------------------------------ interpretation

    /** Turns the tree into a spec, reporting errors with the source name and line. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        PipelineSpec apply(Node root, PipelineSpec base) {
            if (root == null || root.kind() == Kind.NULL) {
                return base;
            }
            if (root.kind() != Kind.MAP) {
                throw error(root.line(), "expected a map of pipeline keys (" + String.join(", ", KEYS) + "), got "
                        + root.describe());
            }
            for (Map.Entry<String, Integer> k : root.keyLines().entrySet()) {
                if (!KEYS.contains(k.getKey())) {
                    throw error(k.getValue(), "unknown key '" + k.getKey() + "'; allowed: " + String.join(", ", KEYS));
                }
            }
            PipelineSpec spec = base;
            Map<String, Node> m = root.map();
            if (m.containsKey("sde")) {
                spec = spec.withSde(plugin("sde", m.get("sde"), false));
            }
            if (m.containsKey("model")) {
                spec = spec.withModel(plugin("model", m.get("model"), false));
            }
            if (m.containsKey("solver")) {
                spec = spec.withSolver(plugin("solver", m.get("solver"), false));
            }
            if (m.containsKey("predictor")) {
                spec = spec.withPredictor(plugin("predictor", m.get("predictor"), true));
            }
            if (m.containsKey("corrector")) {
                spec = spec.withCorrector(plugin("corrector", m.get("corrector"), true));
            }
            if (m.containsKey("schedule")) {
                spec = spec.withSchedule(plugin("schedule", m.get("schedule"), false));
            }
            if (m.containsKey("guidance")) {
                spec = spec.withGuidances(guidances(m.get("guidance")));
            }
            if (m.containsKey("steps")) {
                spec = spec.withSteps(positiveInt("steps", m.get("steps")));
            }
            if (m.containsKey("n")) {
                spec = spec.withN(positiveInt("n", m.get("n")));
            }
            if (m.containsKey("seed")) {
                spec = spec.withSeed(seed(m.get("seed")));
            }
            if (m.containsKey("batch_size")) {
                spec = spec.withBatchSize(positiveInt("batch_size", m.get("batch_size")));
            }
            return spec;
        }

        private PluginRef plugin(String where, Node v, boolean nullable) {
            String shape = where + " must be a plugin name or a map {name: …, key: value, …}";
            switch (v.kind()) {
                case NULL:
                    if (nullable) {
                        return null;
                    }
                    throw error(v.line(), shape + ", got nothing");
                case SCALAR:
                    if (v.token() != JsonToken.VALUE_STRING || v.text().isBlank()) {
                        throw error(v.line(), shape + ", got " + v.describe());
                    }
                    return PluginRef.of(v.text().strip());
                case LIST:
                    throw error(v.line(), shape + ", got a list");
                default:
                    break;
            }
            Node name = v.map().get("name");
            if (name == null) {
                throw error(v.line(), where + " needs a 'name' (the plugin), e.g. {name: vp, …}; got keys "
                        + (v.map().isEmpty() ? "(none)" : String.join(", ", v.map().keySet())));
            }
            if (name.kind() != Kind.SCALAR || name.token() != JsonToken.VALUE_STRING || name.text().isBlank()) {
                throw error(name.line(), where + ".name must be a plugin name, got " + name.describe());
            }
            Map<String, String> config = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : v.map().entrySet()) {
                if (e.getKey().equals("name")) {
                    continue;
                }
                Node c = e.getValue();
                String key = where + "." + e.getKey();
                if (c.kind() != Kind.SCALAR) {
                    throw error(v.keyLines().get(e.getKey()), key + " must be a number, text or true/false, got "
                            + c.describe());
                }
                config.put(e.getKey(), c.text());
            }
            return new PluginRef(name.text().strip(), config);
        }

        private List<PluginRef> guidances(Node v) {
            switch (v.kind()) {
                case NULL:
                    return List.of();
                case SCALAR:
                case MAP:
                    return List.of(plugin("guidance", v, false));
                default:
                    break;
            }
            List<PluginRef> out = new ArrayList<>();
            for (int i = 0; i < v.list().size(); i++) {
                out.add(plugin("guidance[" + i + "]", v.list().get(i), false));
            }
            return out;
        }

        private int positiveInt(String key, Node v) {
            BigInteger i = integer(key, v, "a positive integer");
            if (i.signum() <= 0 || i.bitLength() > 31) {
                throw error(v.line(), key + " must be a positive integer (at most " + Integer.MAX_VALUE + "), got "
                        + v.describe());
            }
            return i.intValue();
        }

        private long seed(Node v) {
            BigInteger i = integer("seed", v, "an integer");
            if (i.bitLength() > 63) {
                throw error(v.line(), "seed must be a 64-bit integer, got " + v.describe());
            }
            return i.longValue();
        }

        private BigInteger integer(String key, Node v, String expected) {
            if (v.kind() != Kind.SCALAR || v.token() != JsonToken.VALUE_NUMBER_INT) {
                throw error(v.line(), key + " must be " + expected + ", got " + v.describe());
            }
            return v.integer();
        }

        private ConfigException error(int line, String what) {
            return new ConfigException(source + (line > 0 ? " line " + line : "") + ": " + what);
        }
    }
}
