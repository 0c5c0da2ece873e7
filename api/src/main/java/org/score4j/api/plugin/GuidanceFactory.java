package org.score4j.api.plugin;

/** Creates a guidance decorator of the score (`--guidance`). */
public interface GuidanceFactory extends PluginFactory<org.score4j.api.guidance.Guidance> {}
