package org.score4j.api.pipeline;

import java.util.List;
import java.util.Objects;
import org.score4j.api.ConfigException;

/**
 * What to run: the plugins of a sampling pipeline and its sizes. Immutable; assembled by a front end from a
 * pipeline file and flags, and turned into live objects by the runner.
 *
 * @param predictor may be {@code null}: the solver's default (only predictor–corrector solvers use one)
 * @param corrector may be {@code null}: the solver's default
 * @param schedule may be {@code null}: the solver's default time grid ({@link org.score4j.api.plugin.SolverFactory#defaultSchedule()})
 * @param guidances applied in order, each wrapping the score the previous one produced
 * @param steps steps of the time grid (&gt; 0)
 * @param n samples to draw (&gt; 0)
 * @param seed the run seed
 * @param batchSize samples computed together (&gt; 0); does not change the result
 */
public record PipelineSpec(
        PluginRef sde,
        PluginRef model,
        PluginRef solver,
        PluginRef predictor,
        PluginRef corrector,
        PluginRef schedule,
        List<PluginRef> guidances,
        int steps,
        int n,
        long seed,
        int batchSize) {

    /** Defaults of the built-in pipeline. */
    public static final int DEFAULT_STEPS = 1000;
    public static final int DEFAULT_N = 1000;
    public static final long DEFAULT_SEED = 0;
    public static final int DEFAULT_BATCH_SIZE = 10_000;

    public PipelineSpec {
        Objects.requireNonNull(sde, "sde");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(solver, "solver");
        guidances = List.copyOf(guidances == null ? List.of() : guidances);
        if (steps <= 0) {
            throw new ConfigException("steps must be a positive integer, got " + steps);
        }
        if (n <= 0) {
            throw new ConfigException("n must be a positive integer, got " + n);
        }
        if (batchSize <= 0) {
            throw new ConfigException("batch size must be a positive integer, got " + batchSize);
        }
    }

    /**
     * The built-in default: VP SDE, the default Gaussian mixture, predictor–corrector sampling
     * (reverse diffusion + Langevin) on the solver's default grid (uniform for pc) of 1000 steps, 1000 samples, seed 0.
     */
    public static PipelineSpec defaults() {
        return new PipelineSpec(PluginRef.of("vp"), PluginRef.of("gmm"), PluginRef.of("pc"), null, null,
                null, List.of(), DEFAULT_STEPS, DEFAULT_N, DEFAULT_SEED, DEFAULT_BATCH_SIZE);
    }

    public PipelineSpec withSde(PluginRef v) {
        return new PipelineSpec(v, model, solver, predictor, corrector, schedule, guidances, steps, n, seed, batchSize);
    }

    public PipelineSpec withModel(PluginRef v) {
        return new PipelineSpec(sde, v, solver, predictor, corrector, schedule, guidances, steps, n, seed, batchSize);
    }

    public PipelineSpec withSolver(PluginRef v) {
        return new PipelineSpec(sde, model, v, predictor, corrector, schedule, guidances, steps, n, seed, batchSize);
    }

    public PipelineSpec withPredictor(PluginRef v) {
        return new PipelineSpec(sde, model, solver, v, corrector, schedule, guidances, steps, n, seed, batchSize);
    }

    public PipelineSpec withCorrector(PluginRef v) {
        return new PipelineSpec(sde, model, solver, predictor, v, schedule, guidances, steps, n, seed, batchSize);
    }

    public PipelineSpec withSchedule(PluginRef v) {
        return new PipelineSpec(sde, model, solver, predictor, corrector, v, guidances, steps, n, seed, batchSize);
    }

    public PipelineSpec withGuidances(List<PluginRef> v) {
        return new PipelineSpec(sde, model, solver, predictor, corrector, schedule, v, steps, n, seed, batchSize);
    }

    public PipelineSpec withSteps(int v) {
        return new PipelineSpec(sde, model, solver, predictor, corrector, schedule, guidances, v, n, seed, batchSize);
    }

    public PipelineSpec withN(int v) {
        return new PipelineSpec(sde, model, solver, predictor, corrector, schedule, guidances, steps, v, seed, batchSize);
    }

    public PipelineSpec withSeed(long v) {
        return new PipelineSpec(sde, model, solver, predictor, corrector, schedule, guidances, steps, n, v, batchSize);
    }

    public PipelineSpec withBatchSize(int v) {
        return new PipelineSpec(sde, model, solver, predictor, corrector, schedule, guidances, steps, n, seed, v);
    }
}
