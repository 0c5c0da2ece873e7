package org.score4j.api.pipeline;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A plugin chosen by name with its configuration as text values (validated when the pipeline is assembled).
 */
public record PluginRef(String name, Map<String, String> config) {
    public PluginRef {
        Objects.requireNonNull(name, "name");
        config = Map.copyOf(config == null ? Map.of() : config);
    }

    /** A plugin with its defaults. */
    public static PluginRef of(String name) {
        return new PluginRef(name, Map.of());
    }

    /** This plugin with one more key set (replacing an earlier value). */
    public PluginRef with(String key, String value) {
        Map<String, String> m = new TreeMap<>(config);
        m.put(key, value);
        return new PluginRef(name, m);
    }
}
