package org.score4j.api.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.score4j.api.ConfigException;

/**
 * A validated configuration for one plugin instance: every declared key has a typed value (its default when
 * not given), unknown keys are rejected, values are range-checked. Immutable and thread-safe.
 */
public final class PluginConfig {
    private final String owner;
    private final Map<String, Object> values;

    private PluginConfig(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Validates {@code given} (text values) against {@code keys}.
     *
     * @param owner names the plugin for messages, e.g. {@code "solver ode"}; keys are reported as
     *     {@code <prefix>.<key>} where prefix is the owner's first word
     * @throws ConfigException on an unknown key (listing the known ones) or an invalid value
     */
    public static PluginConfig of(String owner, Map<String, ConfigKey> keys, Map<String, String> given) {
        String prefix = owner.contains(" ") ? owner.substring(0, owner.indexOf(' ')) : owner;
        for (String k : given.keySet()) {
            if (!keys.containsKey(k)) {
                throw new ConfigException("unknown key '" + prefix + "." + k + "' for " + owner + "; known keys: "
                        + (keys.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(keys.keySet()))));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigKey> e : keys.entrySet()) {
            String text = given.containsKey(e.getKey()) ? given.get(e.getKey()) : e.getValue().defaultValue();
            if (text != null) {
                values.put(e.getKey(), e.getValue().parse(text, prefix + "." + e.getKey()));
            }
        }
        return new PluginConfig(owner, values);
    }

    /** A configuration for a factory, from text values. */
    public static PluginConfig of(String kind, PluginFactory<?> factory, Map<String, String> given) {
        return of(kind + " " + factory.name(), factory.configKeys(), given);
    }

    /** An empty configuration (for plugins without keys, and for tests). */
    public static PluginConfig empty() {
        return new PluginConfig("plugin", new LinkedHashMap<>());
    }

    /** The typed values, including defaults; keys without a value (optional, no default) are absent. */
    public Map<String, Object> values() {
        return values;
    }

    public double getDouble(String key) {
        return ((Number) require(key)).doubleValue();
    }

    public int getInt(String key) {
        return ((Number) require(key)).intValue();
    }

    public boolean getBoolean(String key) {
        return (Boolean) require(key);
    }

    public String getString(String key) {
        return (String) require(key);
    }

    /** An optional value (a key declared without default and not given). */
    public Optional<String> find(String key) {
        Object v = values.get(key);
        return Optional.ofNullable(v == null ? null : v.toString());
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new ConfigException(owner + " needs a value for '" + key + "'");
        }
        return v;
    }

    @Override
    public String toString() {
        return owner + values;
    }
}
