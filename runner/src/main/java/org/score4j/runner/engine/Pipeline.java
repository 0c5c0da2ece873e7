package org.score4j.runner.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.guidance.StateCorrection;
import org.score4j.api.inverse.InverseMethod;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.model.Conditioning;
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
 *
 * <p>A pipeline of an inverse problem also holds the measurement operator bound to the model's samples and the
 * method's guidance, applied after the pipeline's guidances. Guidances that are {@link StateCorrection}s correct
 * the sample after every predictor update and every corrector update other than {@code none}: the pipeline
 * decorates the predictor and corrector of the solver's context (see {@link CorrectedSteps}).
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
    private final Inverse inverse;
    private final List<StateCorrection> corrections;
    private final boolean correctAfterCorrector;
    private final ScoreFunction score;
    private final double[] times;

    /**
     * The inverse problem of a pipeline: the operator plugin and its binding to the model's samples, the method
     * plugin and the guidance it made for that operator (applied after the pipeline's own guidances).
     */
    record Inverse(Configured<Operator> operator, MeasurementOperator bound, Configured<InverseMethod> method,
            Guidance guidance) {}

    Pipeline(PipelineSpec spec, Configured<Sde> sde, Configured<ScoreModel> model, Configured<Solver> solver,
            Configured<Predictor> predictor, Configured<Corrector> corrector, Configured<TimeSchedule> schedule,
            List<Configured<Guidance>> guidances, Inverse inverse) {
        this.spec = spec;
        this.sde = sde;
        this.model = model;
        this.solver = solver;
        this.predictor = predictor;
        this.corrector = corrector;
        this.schedule = schedule;
        this.guidances = List.copyOf(guidances);
        this.inverse = inverse;
        ScoreFunction s = model.instance().scoreFunction(sde.instance());
        List<StateCorrection> c = new ArrayList<>();
        for (Configured<Guidance> g : this.guidances) {
            s = g.instance().wrap(s, model.instance(), sde.instance());
            if (g.instance() instanceof StateCorrection sc) {
                c.add(sc);
            }
        }
        if (inverse != null) {
            s = inverse.guidance().wrap(s, model.instance(), sde.instance());
            if (inverse.guidance() instanceof StateCorrection sc) {
                c.add(sc);
            }
        }
        this.corrections = List.copyOf(c);
        this.correctAfterCorrector = !corrector.name().equals(PipelineAssembler.NONE);
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

    /** The score after all guidances (and the inverse-problem method, when there is one). */
    public ScoreFunction score() {
        return score;
    }

    /** The measurement operator of an inverse problem, bound to the model's samples; empty otherwise. */
    public Optional<MeasurementOperator> operator() {
        return Optional.ofNullable(inverse).map(Inverse::bound);
    }

    /**
     * The conditioning of a posterior run: each of the {@code rows} measurements in {@code values} (row after
     * row, each of the operator's measurement shape) repeated for {@code perRow} consecutive samples, so that
     * samples i·perRow … (i+1)·perRow − 1 are conditioned on measurement i.
     *
     * @throws ConfigException when the pipeline has no inverse problem, or the values are not {@code rows}
     *     measurements of the operator's shape
     */
    public Conditioning measurementConditioning(float[] values, int rows, int perRow) {
        MeasurementOperator op = operator().orElseThrow(() -> new ConfigException("this pipeline has no inverse "
                + "problem; assemble it with an operator and a method"));
        int width = Math.toIntExact(op.measurementShape().size());
        if (rows < 1 || perRow < 1 || values.length != (long) rows * width) {
            throw new ConfigException(values.length + " measurement values do not form " + rows + " rows of the "
                    + "operator's measurement shape " + op.measurementShape());
        }
        float[] repeated = new float[Math.multiplyExact(values.length, perRow)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < perRow; j++) {
                System.arraycopy(values, i * width, repeated, (i * perRow + j) * width, width);
            }
        }
        return Conditioning.NONE.withMeasurements(repeated, op.measurementShape());
    }

    /** A copy of the time grid. */
    public double[] times() {
        return times.clone();
    }

    /** The context for a whole run (the run loop specializes it per batch). */
    SamplingContext context(ScoreFunction scoreFn, org.score4j.api.noise.NoiseSource noise,
            org.score4j.api.model.Conditioning cond) {
        Predictor p = predictor.instance();
        Corrector c = corrector.instance();
        if (!corrections.isEmpty()) {
            p = CorrectedSteps.predictor(p, corrections);
            if (correctAfterCorrector) {
                c = CorrectedSteps.corrector(c, corrections);
            }
        }
        return new SamplingContext(sde.instance(), scoreFn, cond, noise, times, p, c);
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
        if (inverse != null) {
            m.put("operator", inverse.operator().describe());
            m.put("method", inverse.method().describe());
            m.put("measurement_shape", inverse.bound().measurementShape().getShape());
        }
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
            closeGuidances(allGuidances());
        }
    }

    private List<Configured<Guidance>> allGuidances() {
        if (inverse == null) {
            return guidances;
        }
        List<Configured<Guidance>> all = new ArrayList<>(guidances);
        all.add(new Configured<>(inverse.method().name(), inverse.method().config(), inverse.guidance()));
        return all;
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
