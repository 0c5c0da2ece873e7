package org.score4j.runner.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.score4j.api.plugin.PluginConfig;

/** A live plugin instance with its name and validated configuration (for provenance). */
public record Configured<T>(String name, PluginConfig config, T instance) {
    /** {@code {name, config}} with every effective value, defaults included. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("config", new LinkedHashMap<>(config.values()));
        return m;
    }
}
