package org.score4j.runner.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.guidance.StateCorrection;
import org.score4j.api.inverse.InverseMethod;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.inverse.Operator;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.plugin.SolverFactory;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Solver;
import org.score4j.api.solver.TimeSchedule;

/**
 * Turns a {@link PipelineSpec} into a {@link Pipeline}: looks every name up, validates every configuration
 * and fails before any work starts. Predictor–corrector solvers default to the {@code reverse-diffusion}
 * predictor and the {@code langevin} corrector; other solvers take neither (naming one is an error). A
 * {@link TrainableScoreModel} without trained weights is refused: sampling it would only give noise. So is a
 * pipeline without guidance on a model that has no unconditional score ({@link ScoreModel#hasUnconditionalScore()}:
 * a class-conditional network trained without label dropout), since the run loop asks for the unconditional
 * score; guidances that condition it check for themselves.
 */
public final class PipelineAssembler {
    /** The predictor a predictor–corrector solver uses when none is named. */
    public static final String DEFAULT_PREDICTOR = "reverse-diffusion";
    /** The corrector a predictor–corrector solver uses when none is named. */
    public static final String DEFAULT_CORRECTOR = "langevin";
    /** The predictor and corrector of solvers that do not use them. */
    public static final String NONE = "none";

    private final Registries registries;

    public PipelineAssembler(Registries registries) {
        this.registries = registries;
    }

    public Registries registries() {
        return registries;
    }

    /**
     * Assembles {@code spec}.
     *
     * @throws ConfigException (or UnknownPluginException) naming what is wrong
     */
    public Pipeline assemble(PipelineSpec spec) {
        return assemble(spec, null);
    }

    /**
     * Assembles {@code spec} to sample the posterior of an inverse problem: the operator is bound to the model's
     * sample shape and the method's guidance is applied after the pipeline's guidances. A method whose guidance
     * corrects the sample ({@link StateCorrection}, e.g. {@code projection}) needs a predictor–corrector solver.
     *
     * @param inverse the operator and method, or {@code null} for plain sampling
     * @throws ConfigException (or UnknownPluginException) naming what is wrong
     */
    public Pipeline assemble(PipelineSpec spec, InverseSpec inverse) {
        Configured<Operator> operator = inverse == null ? null : operator(inverse.operator());
        Configured<InverseMethod> method = inverse == null ? null
                : create("method", registries.methods(), inverse.method());
        Configured<Sde> sde = create("sde", registries.sdes(), spec.sde());
        Configured<Solver> solver = create("solver", registries.solvers(), spec.solver());
        SolverFactory solverFactory = registries.solvers().get(spec.solver().name());
        PluginRef p = spec.predictor();
        PluginRef c = spec.corrector();
        if (solverFactory.usesPredictorCorrector()) {
            p = p == null ? PluginRef.of(DEFAULT_PREDICTOR) : p;
            c = c == null ? PluginRef.of(DEFAULT_CORRECTOR) : c;
        } else {
            if (p != null && !p.name().equals(NONE)) {
                throw new ConfigException("solver '" + spec.solver().name()
                        + "' does not use a predictor; remove --predictor or use a predictor-corrector solver (pc)");
            }
            if (c != null && !c.name().equals(NONE)) {
                throw new ConfigException("solver '" + spec.solver().name()
                        + "' does not use a corrector; remove --corrector or use a predictor-corrector solver (pc)");
            }
            p = PluginRef.of(NONE);
            c = PluginRef.of(NONE);
        }
        Configured<Predictor> predictor = create("predictor", registries.predictors(), p);
        Configured<Corrector> corrector = create("corrector", registries.correctors(), c);
        PluginRef scheduleRef = spec.schedule() != null ? spec.schedule()
                : PluginRef.of(solverFactory.defaultSchedule());
        spec = spec.withSchedule(scheduleRef);
        Configured<TimeSchedule> schedule = create("schedule", registries.schedules(), scheduleRef);
        List<Configured<Guidance>> guidances = new ArrayList<>();
        Configured<ScoreModel> model = null;
        Configured<Guidance> methodGuidance = null;
        try {
            for (PluginRef g : spec.guidances()) {
                guidances.add(create("guidance", registries.guidances(), g));
            }
            model = create("model", registries.models(), spec.model());
            if (model.instance() instanceof TrainableScoreModel t && !t.trained()) {
                throw new ConfigException("model '" + model.name() + "' has no trained weights; train it with "
                        + "score4j train and sample with --checkpoint DIR (or --set model.checkpoint=DIR)");
            }
            Pipeline.Inverse inv = null;
            if (inverse != null) {
                MeasurementOperator bound = operator.instance().bind(model.instance().sampleShape());
                Guidance g = method.instance().guidance(bound);
                if (g == null) {
                    throw new ConfigException("method '" + method.name() + "' created no guidance");
                }
                inv = new Pipeline.Inverse(operator, bound, method, g);
                methodGuidance = new Configured<>(method.name(), method.config(), g);
            }
            List<Configured<Guidance>> all = new ArrayList<>(guidances);
            if (methodGuidance != null) {
                all.add(methodGuidance);
            }
            for (Configured<Guidance> g : all) {
                if (g.instance() instanceof StateCorrection && !solverFactory.usesPredictorCorrector()) {
                    String who = (g == methodGuidance ? "method '" : "guidance '") + g.name() + "'";
                    throw new ConfigException(who + " corrects the sample after every predictor and corrector step "
                            + "and needs a predictor-corrector solver (--solver pc); solver '" + spec.solver().name()
                            + "' has no such steps");
                }
            }
            ScoreModel m = model.instance();
            if (spec.guidances().isEmpty() && !m.hasUnconditionalScore()) {
                throw new ConfigException("model '" + model.name() + "' has no unconditional score: it was trained "
                        + "without label dropout (--cond-dropout 0), so its null label was never trained; sample one "
                        + "class with --guidance cfg --set guidance.scale=1 --set guidance.class=C (C in [0, "
                        + (m.numClasses() - 1) + "]), or train with --cond-dropout P > 0");
            }
            return new Pipeline(spec, sde, model, solver, predictor, corrector, schedule, guidances, inv);
        } catch (RuntimeException e) {
            // a guidance may hold resources (a trained classifier): release what was created
            try {
                if (model != null) {
                    model.instance().close();
                }
            } finally {
                List<Configured<Guidance>> all = new ArrayList<>(guidances);
                if (methodGuidance != null) {
                    all.add(methodGuidance);
                }
                Pipeline.closeGuidances(all);
            }
            throw e;
        }
    }

    /**
     * The operator plugin {@code ref}, configured but not yet bound to a sample shape (for measuring data with
     * it).
     *
     * @throws ConfigException (or UnknownPluginException) naming what is wrong
     */
    public Configured<Operator> operator(PluginRef ref) {
        return create("operator", registries.operators(), ref);
    }

    private static <T, F extends PluginFactory<T>> Configured<T> create(String kind, Map<String, F> factories,
            PluginRef ref) {
        F f = factories.get(ref.name());
        if (f == null) {
            throw new UnknownPluginException(kind, ref.name(), factories.keySet());
        }
        PluginConfig config = PluginConfig.of(kind, f, ref.config());
        T instance;
        try {
            instance = f.create(config);
        } catch (Score4jException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(kind + " '" + ref.name() + "' failed to start: " + e, e);
        }
        if (instance == null) {
            throw new ConfigException(kind + " '" + ref.name() + "' created nothing");
        }
        return new Configured<>(ref.name(), config, instance);
    }
}
