package org.score4j.api.plugin;

import java.util.Map;

/**
 * Creates configured instances of one plugin. Each kind has its own sub-interface (for example
 * {@link SdeFactory}) so that the runner can keep one registry per kind.
 *
 * <p>Factories are stateless and thread-safe; {@link #create} may be called many times.
 *
 * @param <T> what the factory creates
 */
public interface PluginFactory<T> {
    /** The name users type: {@code [a-z][a-z0-9-]*}, unique within its kind. */
    String name();

    /** One line, shown by {@code score4j plugins}. */
    String description();

    /** The keys this plugin accepts, in display order; name → key. */
    Map<String, ConfigKey> configKeys();

    /**
     * Creates an instance. The config has already been validated against {@link #configKeys()}; a factory
     * may still throw {@link org.score4j.api.ConfigException} for constraints between keys or for an
     * unreadable file named by a key.
     */
    T create(PluginConfig config);
}
