package org.score4j.runner.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.TimeSchedule;

/**
 * A sampling pipeline assembled from a {@link PipelineSpec}: live, configured plugins ready to run. Owns the
 * model's native resources and those of guidances that hold some (a trained classifier); close it when done. Not thread-safe: run one sampling at a time.
 */
public final class Pipeline implements AutoCloseable {
    private final PipelineSpec spec;
    private final Configured<Sde> sde;
    private final Configured<ScoreModel> model;
    private final Configured<Solver> solver;
    private final Configured<Predictor> predictor;
    private final Configured<Corrector> corrector;
    private final Configured<TimeSchedule> schedule;
    private final List<Configured<Guidance>> guidances;
    private final ScoreFunction score;
    private final double[] times;

    Pipeline(PipelineSpec spec, Configured<Sde> sde, Configured<ScoreModel> model, Configured<Solver> solver,
            Configured<Predictor> predictor, Configured<Corrector> corrector, Configured<TimeSchedule> schedule,
            List<Configured<Guidance>> guidances) {
        this.spec = spec;
        this.sde = sde;
        this.model = model;
        this.solver = solver;
        this.predictor = predictor;
        this.corrector = corrector;
        this.schedule = schedule;
        this.guidances = List.copyOf(guidances);
        ScoreFunction s = model.instance().scoreFunction(sde.instance());
        for (Configured<Guidance> g : this.guidances) {
            s = g.instance().wrap(s, model.instance(), sde.instance());
        }
        this.score = s;
        this.times = TimeSchedule.validate(schedule.instance().times(spec.steps(), sde.instance()), spec.steps(),
                sde.instance());
    }

    public PipelineSpec spec() {
        return spec;
    }

    public Sde sde() {
        return sde.instance();
    }

    public ScoreModel model() {
        return model.instance();
    }

    public Solver solver() {
        return solver.instance();
    }

    /** The score after all guidances. */
    public ScoreFunction score() {
        return score;
    }

    /** A copy of the time grid. */
    public double[] times() {
        return times.clone();
    }

    /** The context for a whole run (the run loop specializes it per batch). */
    SamplingContext context(ScoreFunction scoreFn, org.score4j.api.noise.NoiseSource noise,
            org.score4j.api.model.Conditioning cond) {
        return new SamplingContext(sde.instance(), scoreFn, cond, noise, times, predictor.instance(),
                corrector.instance());
    }

    /** Plugin names and effective configs: the pipeline part of provenance and of the started event. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sde", sde.describe());
        m.put("model", model.describe());
        m.put("solver", solver.describe());
        m.put("predictor", predictor.describe());
        m.put("corrector", corrector.describe());
        m.put("schedule", schedule.describe());
        List<Object> g = new ArrayList<>();
        guidances.forEach(x -> g.add(x.describe()));
        m.put("guidances", g);
        m.put("steps", spec.steps());
        m.put("n", spec.n());
        m.put("seed", spec.seed());
        m.put("batch_size", spec.batchSize());
        m.put("t_end", sde.instance().tEnd());
        m.put("t0", sde.instance().t0());
        return m;
    }

    /** Releases the model and the guidances that hold resources (those that are {@link AutoCloseable}). */
    @Override
    public void close() {
        try {
            model.instance().close();
        } finally {
            closeGuidances(guidances);
        }
    }

    /** Closes the guidances that are {@link AutoCloseable}, each once, all of them even if one fails. */
    static void closeGuidances(List<Configured<Guidance>> guidances) {
        RuntimeException first = null;
        for (Configured<Guidance> g : guidances) {
            if (g.instance() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
