package org.score4j.api.plugin;

/** Creates a corrector of the predictor-corrector sampler (`--corrector`). */
public interface CorrectorFactory extends PluginFactory<org.score4j.api.solver.Corrector> {}
