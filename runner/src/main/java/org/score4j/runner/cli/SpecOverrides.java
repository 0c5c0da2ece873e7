package org.score4j.runner.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

/**
 * Applies command-line flags on top of a pipeline (the built-in default or a pipeline file): a flag naming
 * another plugin replaces it together with its file configuration; {@code --set kind.key=value} entries are
 * merged into that kind's configuration last. {@code --guidance NAME} replaces the file's guidances by that one
 * (keeping the file's settings when it is the file's only guidance); {@code --set guidance.key=value} configures
 * the pipeline's guidance, which must then be exactly one.
 */
final class SpecOverrides {
    static final Set<String> SET_KINDS = Set.of("sde", "model", "solver", "predictor", "corrector", "schedule",
            "guidance");

    String sde;
    String model;
    String solver;
    String predictor;
    String corrector;
    String schedule;
    String guidance;
    Integer steps;
    Integer n;
    Long seed;
    Integer batchSize;
    List<String> sets = new ArrayList<>();
    /** Kinds a command configures itself besides the pipeline's (e.g. {@code operator}, {@code method}). */
    Set<String> extraKinds = Set.of();
    /** After {@link #apply}: the {@code --set} entries of the {@link #extraKinds}, kind → key → value. */
    final Map<String, Map<String, String>> extra = new LinkedHashMap<>();

    PipelineSpec apply(PipelineSpec base) {
        PipelineSpec s = base;
        s = s.withSde(rename(s.sde(), sde));
        s = s.withModel(rename(s.model(), model));
        s = s.withSolver(rename(s.solver(), solver));
        s = s.withSchedule(rename(s.schedule(), schedule));
        if (predictor != null) {
            s = s.withPredictor(rename(s.predictor(), predictor));
        }
        if (corrector != null) {
            s = s.withCorrector(rename(s.corrector(), corrector));
        }
        if (guidance != null) {
            List<PluginRef> g = s.guidances();
            s = s.withGuidances(List.of(g.size() == 1 ? rename(g.get(0), guidance) : PluginRef.of(guidance)));
        }
        if (steps != null) {
            s = s.withSteps(steps);
        }
        if (n != null) {
            s = s.withN(n);
        }
        if (seed != null) {
            s = s.withSeed(seed);
        }
        if (batchSize != null) {
            s = s.withBatchSize(batchSize);
        }
        Set<String> kinds = new java.util.HashSet<>(SET_KINDS);
        kinds.addAll(extraKinds);
        Map<String, Map<String, String>> byKind = parseSets(sets, kinds);
        extra.clear();
        for (Map.Entry<String, Map<String, String>> e : byKind.entrySet()) {
            if (extraKinds.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            } else {
                s = applySet(s, e.getKey(), e.getValue());
            }
        }
        return s;
    }

    private static PluginRef rename(PluginRef current, String name) {
        if (name == null) {
            return current;
        }
        if (current != null && current.name().equals(name)) {
            return current;
        }
        return PluginRef.of(name);
    }

    static Map<String, Map<String, String>> parseSets(List<String> sets) {
        return parseSets(sets, SET_KINDS);
    }

    /** The {@code --set kind.key=value} entries by kind; a kind outside {@code kinds} is an error. */
    static Map<String, Map<String, String>> parseSets(List<String> sets, Set<String> kinds) {
        Map<String, Map<String, String>> byKind = new LinkedHashMap<>();
        for (String raw : sets) {
            int eq = raw.indexOf('=');
            int dot = raw.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq || dot == 0 || dot == eq - 1) {
                throw new ConfigException("invalid --set '" + raw + "'; expected kind.key=value, e.g. solver.method=rk45");
            }
            String kind = raw.substring(0, dot);
            String key = raw.substring(dot + 1, eq);
            String value = raw.substring(eq + 1);
            if (!kinds.contains(kind)) {
                throw new ConfigException("invalid --set '" + raw + "': unknown kind '" + kind + "'; kinds: "
                        + String.join(", ", new TreeMap<>(toMap(kinds)).keySet()));
            }
            byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(key, value);
        }
        return byKind;
    }

    private static Map<String, String> toMap(Set<String> s) {
        Map<String, String> m = new TreeMap<>();
        s.forEach(x -> m.put(x, x));
        return m;
    }

    private static PipelineSpec applySet(PipelineSpec s, String kind, Map<String, String> kv) {
        switch (kind) {
            case "sde":
                return s.withSde(merge(s.sde(), kv, kind));
            case "model":
                return s.withModel(merge(s.model(), kv, kind));
            case "solver":
                return s.withSolver(merge(s.solver(), kv, kind));
            case "schedule":
                return s.withSchedule(merge(s.schedule(), kv, kind));
            case "predictor":
                return s.withPredictor(merge(s.predictor(), kv, kind));
            case "corrector":
                return s.withCorrector(merge(s.corrector(), kv, kind));
            case "guidance": {
                String key = kv.keySet().iterator().next();
                if (s.guidances().isEmpty()) {
                    throw new ConfigException("--set guidance." + key + " needs a guidance: add --guidance NAME "
                            + "(e.g. --guidance cfg)");
                }
                if (s.guidances().size() > 1) {
                    throw new ConfigException("--set guidance." + key + " is ambiguous: the pipeline has "
                            + s.guidances().size() + " guidances; set their keys in the pipeline file, or give one "
                            + "with --guidance NAME");
                }
                return s.withGuidances(List.of(merge(s.guidances().get(0), kv, kind)));
            }
            default:
                throw new AssertionError(kind);
        }
    }

    private static PluginRef merge(PluginRef ref, Map<String, String> kv, String kind) {
        if (ref == null && kind.equals("schedule")) {
            throw new ConfigException("--set schedule." + kv.keySet().iterator().next()
                    + " needs the schedule named: add --schedule NAME (e.g. --schedule karras); without it the"
                    + " solver's default schedule is used as is");
        }
        if (ref == null) {
            // predictor/corrector not named: configure the solver's default
            String def = kind.equals("predictor") ? org.score4j.runner.engine.PipelineAssembler.DEFAULT_PREDICTOR
                    : org.score4j.runner.engine.PipelineAssembler.DEFAULT_CORRECTOR;
            ref = PluginRef.of(def);
        }
        Map<String, String> m = new TreeMap<>(ref.config());
        m.putAll(kv);
        return new PluginRef(ref.name(), m);
    }
}
