package org.score4j.api.plugin;

/** Creates a score model (`--model`). */
public interface ModelFactory extends PluginFactory<org.score4j.api.model.ScoreModel> {}
