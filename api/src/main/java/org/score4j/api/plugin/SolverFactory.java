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

    /**
     * The time grid ({@code schedule} plugin name) the runner uses for this solver when a pipeline names none:
     * the grid the solver is designed for (e.g. {@code karras} for DPM-Solver++ and EDM's Heun sampler, as in
     * k-diffusion). The default: {@code uniform}.
     *
     * @since 1.2
     */
    default String defaultSchedule() {
        return "uniform";
    }
}
