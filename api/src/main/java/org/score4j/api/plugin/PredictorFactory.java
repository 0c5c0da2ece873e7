package org.score4j.api.plugin;

/** Creates a predictor of the predictor-corrector sampler (`--predictor`). */
public interface PredictorFactory extends PluginFactory<org.score4j.api.solver.Predictor> {}
