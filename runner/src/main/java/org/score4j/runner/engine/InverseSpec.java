package org.score4j.runner.engine;

import java.util.Objects;
import org.score4j.api.pipeline.PluginRef;

/**
 * The inverse problem a pipeline samples the posterior of: the measurement operator ({@code --operator}) and
 * the posterior sampling method ({@code --method}), each a plugin with its configuration. Immutable.
 */
public record InverseSpec(PluginRef operator, PluginRef method) {
    public InverseSpec {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(method, "method");
    }
}
