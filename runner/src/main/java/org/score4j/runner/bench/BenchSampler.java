package org.score4j.runner.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

/**
 * The samplers {@code score4j bench} measures, each on the VP SDE with the default Gaussian mixture and a
 * uniform grid. Every configuration value a {@linkplain BareLoops bare loop} relies on is written into the
 * spec explicitly (from the constants of {@link BareLoops}), so the runner and the bare loop cannot drift
 * apart when a plugin default changes.
 */
public enum BenchSampler {
    /** Predictor–corrector: reverse diffusion + one Langevin step (the default sampler). */
    PC("pc", "pc reverse-diffusion+langevin", true),
    /** Predictor-only: Euler–Maruyama. */
    PC_EULER_MARUYAMA("pc-em", "pc euler-maruyama+none", true),
    /** Predictor-only: ancestral sampling (posterior variance). */
    PC_ANCESTRAL("pc-ancestral", "pc ancestral+none", true),
    /** Probability-flow ODE, explicit Euler. */
    ODE_EULER("ode-euler", "ode euler", true),
    /** Probability-flow ODE, Heun. */
    ODE_HEUN("ode-heun", "ode heun", true),
    /** Probability-flow ODE, classic RK4. */
    ODE_RK4("ode-rk4", "ode rk4", true),
    /** Probability-flow ODE, adaptive Dormand–Prince (its steps do not follow the grid; no bare loop). */
    ODE_RK45("ode-rk45", "ode rk45", false);

    private final String id;
    private final String label;
    private final boolean hasBareLoop;

    BenchSampler(String id, String label, boolean hasBareLoop) {
        this.id = id;
        this.label = label;
        this.hasBareLoop = hasBareLoop;
    }

    /** The name used on the command line, e.g. {@code ode-euler}. */
    public String id() {
        return id;
    }

    /** The name shown in the table, e.g. {@code pc reverse-diffusion+langevin}. */
    public String label() {
        return label;
    }

    /** Whether {@link BareLoops} has a hand-written loop for this sampler. */
    public boolean hasBareLoop() {
        return hasBareLoop;
    }

    /** The pipeline of this sampler: VP, default gmm, uniform grid, with every solver setting explicit. */
    public PipelineSpec spec(int n, int steps, long seed, int batchSize) {
        PipelineSpec base = PipelineSpec.defaults().withN(n).withSteps(steps).withSeed(seed).withBatchSize(batchSize)
                .withSde(PluginRef.of("vp")).withModel(PluginRef.of("gmm")).withSchedule(PluginRef.of("uniform"));
        PluginRef pc = PluginRef.of("pc").with("denoise", "true");
        PluginRef none = PluginRef.of("none");
        switch (this) {
            case PC:
                return base.withSolver(pc).withPredictor(PluginRef.of("reverse-diffusion"))
                        .withCorrector(PluginRef.of("langevin").with("snr", Double.toString(BareLoops.LANGEVIN_SNR))
                                .with("n_steps", "1"));
            case PC_EULER_MARUYAMA:
                return base.withSolver(pc).withPredictor(PluginRef.of("euler-maruyama")).withCorrector(none);
            case PC_ANCESTRAL:
                return base.withSolver(pc).withPredictor(PluginRef.of("ancestral").with("variance", "posterior"))
                        .withCorrector(none);
            case ODE_EULER:
                return base.withSolver(ode("euler"));
            case ODE_HEUN:
                return base.withSolver(ode("heun"));
            case ODE_RK4:
                return base.withSolver(ode("rk4"));
            case ODE_RK45:
                return base.withSolver(ode("rk45"));
            default:
                throw new AssertionError(this);
        }
    }

    private static PluginRef ode(String method) {
        return PluginRef.of("ode").with("method", method);
    }

    /**
     * The sampler named {@code id}.
     *
     * @throws ConfigException listing the known names
     */
    public static BenchSampler of(String id) {
        String key = id.trim().toLowerCase(Locale.ROOT);
        for (BenchSampler s : values()) {
            if (s.id.equals(key)) {
                return s;
            }
        }
        throw new ConfigException("unknown sampler '" + id + "'; available: " + ids());
    }

    /** All names, comma-separated, in table order. */
    public static String ids() {
        return Arrays.stream(values()).map(BenchSampler::id).collect(Collectors.joining(", "));
    }
}
