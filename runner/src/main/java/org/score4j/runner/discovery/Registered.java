package org.score4j.runner.discovery;

import org.score4j.api.plugin.PluginFactory;

/** A factory together with the source (jar or class path) of the plugin that declared it. */
public record Registered<F extends PluginFactory<?>>(F factory, String source) {}
