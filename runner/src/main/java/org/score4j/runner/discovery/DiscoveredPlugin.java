package org.score4j.runner.discovery;

import java.util.Objects;
import org.score4j.api.plugin.Score4jPlugin;

/**
 * A plugin entry point and where it came from (a jar path or a classpath location), for messages.
 */
public record DiscoveredPlugin(Score4jPlugin plugin, String source) {
    public DiscoveredPlugin {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(source, "source");
    }
}
