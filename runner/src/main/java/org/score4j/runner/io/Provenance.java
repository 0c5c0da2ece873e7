package org.score4j.runner.io;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.score4j.api.ApiVersion;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

/**
 * What produced an output file, recorded as JSON beside it (architecture guide §7): the score4j and API
 * versions, the creation time, the run's sizes and seed, every plugin with its configuration, and free
 * entries such as the number of score evaluations or the output's shape.
 *
 * <p>The map has these keys, in this order: {@code score4j_version}, {@code api_version}, {@code created}
 * (ISO-8601, UTC), {@code seed}, {@code n}, {@code steps}, {@code batch_size}, {@code sde}, {@code model},
 * {@code solver}, {@code predictor}, {@code corrector}, {@code schedule} (each {@code {name, config}}),
 * {@code guidances} (a list of {@code {name, config}}), then the extra entries in the order they were
 * added. A predictor, corrector or time grid the spec leaves to the solver's default ({@code null}) is omitted; pass the
 * resolved plugin through {@link Builder#plugin} to record it. Values are never {@code null}, so the map can
 * go into a {@link org.score4j.api.event.RunCompleted}.
 *
 * <pre>{@code
 * Map<String, Object> p = Provenance.builder(spec)
 *         .put("nfe", nfe).put("elapsed_seconds", secs)
 *         .put("samples", "samples.npy").put("dtype", "float32").put("shape", List.of(n, d))
 *         .build();
 * Json.writeJson(Provenance.pathBeside(out), p);
 * }</pre>
 *
 * <p>Builders are not thread-safe; the static methods are.
 */
public final class Provenance {
    /** The version recorded when the runner does not run from a jar with an {@code Implementation-Version}. */
    public static final String FALLBACK_VERSION = "0.1.0-SNAPSHOT";

    /** The plugin keys of a provenance map, in order. */
    public static final List<String> PLUGIN_KEYS =
            List.of("sde", "model", "solver", "predictor", "corrector", "schedule");

    private Provenance() {}

    /** The score4j version: the runner jar's {@code Implementation-Version}, else {@link #FALLBACK_VERSION}. */
    public static String score4jVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? FALLBACK_VERSION : v;
    }

    /** A builder filled from {@code spec}, created now. */
    public static Builder builder(PipelineSpec spec) {
        return new Builder(spec);
    }

    /** The provenance of {@code spec} with {@code extra} entries appended (in their iteration order). */
    public static Map<String, Object> of(PipelineSpec spec, Map<String, ?> extra) {
        Builder b = builder(spec);
        extra.forEach(b::put);
        return b.build();
    }

    /**
     * Where the provenance of {@code output} goes: the same folder and name with the extension replaced by
     * {@code .json} ({@code samples.npy} → {@code samples.json}, {@code samples} → {@code samples.json}). For
     * an output that is itself a {@code .json} file, {@code <name>.provenance.json}.
     */
    public static Path pathBeside(Path output) {
        Path name = Objects.requireNonNull(output.getFileName(), "output has no file name");
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        String stem = dot > 0 ? s.substring(0, dot) : s;
        String ext = dot > 0 ? s.substring(dot + 1) : "";
        String beside = ext.equalsIgnoreCase("json") ? stem + ".provenance.json" : stem + ".json";
        return output.resolveSibling(beside);
    }

    /** A plugin as a provenance entry: {@code {name, config}} with the config's keys sorted. */
    public static Map<String, Object> plugin(String name, Map<String, ?> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", Objects.requireNonNull(name, "name"));
        Map<String, Object> c = new TreeMap<>();
        config.forEach((k, v) -> c.put(k, Objects.requireNonNull(v, () -> "config value of " + k)));
        m.put("config", c);
        return m;
    }

    /** A plugin reference as a provenance entry. */
    public static Map<String, Object> plugin(PluginRef ref) {
        return plugin(ref.name(), ref.config());
    }

    /** Builds one provenance map. */
    public static final class Builder {
        private final PipelineSpec spec;
        private Instant created = Instant.now();
        private final Map<String, Object> plugins = new LinkedHashMap<>();
        private List<Map<String, Object>> guidances;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(PipelineSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
            put(plugins, "sde", spec.sde());
            put(plugins, "model", spec.model());
            put(plugins, "solver", spec.solver());
            put(plugins, "predictor", spec.predictor());
            put(plugins, "corrector", spec.corrector());
            put(plugins, "schedule", spec.schedule());
            guidances = new ArrayList<>();
            for (PluginRef g : spec.guidances()) {
                guidances.add(Provenance.plugin(g));
            }
        }

        private static void put(Map<String, Object> m, String key, PluginRef ref) {
            if (ref != null) {
                m.put(key, Provenance.plugin(ref));
            }
        }

        /** Sets the creation time (default: when the builder was made). */
        public Builder created(Instant when) {
            this.created = Objects.requireNonNull(when, "when");
            return this;
        }

        /**
         * Records a plugin as resolved by the runner (e.g. the solver's default predictor, or the full typed
         * configuration with defaults), replacing what the spec said.
         *
         * @param kind one of {@link #PLUGIN_KEYS}
         */
        public Builder plugin(String kind, String name, Map<String, ?> config) {
            if (!PLUGIN_KEYS.contains(kind)) {
                throw new IllegalArgumentException("unknown plugin kind '" + kind + "'; one of " + PLUGIN_KEYS);
            }
            plugins.put(kind, Provenance.plugin(name, config));
            return this;
        }

        /** Replaces the guidance list with resolved entries (each as {@link Provenance#plugin(String, Map)}). */
        public Builder guidances(List<Map<String, Object>> resolved) {
            this.guidances = new ArrayList<>(resolved);
            return this;
        }

        /**
         * Adds a free entry after the fixed ones (e.g. {@code nfe}, {@code elapsed_seconds}, output file
         * names, {@code dtype}, {@code shape}).
         *
         * @throws IllegalArgumentException for a fixed key or a null value
         */
        public Builder put(String key, Object value) {
            Objects.requireNonNull(key, "key");
            if (FIXED.contains(key) || PLUGIN_KEYS.contains(key) || key.equals("guidances")) {
                throw new IllegalArgumentException("'" + key + "' is a fixed provenance key");
            }
            extra.put(key, Objects.requireNonNull(value, () -> "value of " + key));
            return this;
        }

        /** A new ordered map. */
        public Map<String, Object> build() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("score4j_version", score4jVersion());
            m.put("api_version", ApiVersion.string());
            m.put("created", created.truncatedTo(ChronoUnit.MILLIS).toString());
            m.put("seed", spec.seed());
            m.put("n", spec.n());
            m.put("steps", spec.steps());
            m.put("batch_size", spec.batchSize());
            for (String k : PLUGIN_KEYS) {
                if (plugins.containsKey(k)) {
                    m.put(k, plugins.get(k));
                }
            }
            m.put("guidances", new ArrayList<>(guidances));
            m.putAll(extra);
            return m;
        }

        private static final List<String> FIXED =
                List.of("score4j_version", "api_version", "created", "seed", "n", "steps", "batch_size");
    }
}
