package org.score4j.api.plugin;

import org.score4j.api.solver.Solver;

/** Creates a solver (sampler) ({@code --solver}). */
public interface SolverFactory extends PluginFactory<Solver> {
    /**
     * Whether solvers of this factory use the pipeline's predictor and corrector (as the predictor-corrector
     * sampler does). The runner rejects {@code --predictor}/{@code --corrector} for solvers that do not.
     */
    default boolean usesPredictorCorrector() {
        return false;
    }
}
