package org.score4j.runner.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.runner.Score4j;
import org.score4j.runner.quality.MixtureQuality.Outcome;

/**
 * Sampling quality of every SDE × sampler combination on Gaussian mixtures whose score is exact (the {@code gmm}
 * model), so that any difference from the mixture comes from the sampler: the built-in 2-D mixture and an 8-D
 * mixture of 4 components written to a spec file. Each run draws {@value #N} samples through the embedded API
 * and is compared ({@link Distributions.Reference}, through {@link MixtureQuality}) with {@value #TRUE_SETS} sets
 * of {@value #N} true samples of the same mixture perturbed to the SDE's t0, the time every sampler stops at.
 *
 * <p><b>Checks and bounds.</b>
 * <ul>
 *   <li>SW₂ ratio ≤ {@value #MAX_RATIO}: the sliced Wasserstein distance to the true sets in units of the
 *       distance between true sets. On these mixtures it is dominated by the binomial noise of the component
 *       weights; 200 independent exact sample sets gave ratios between 0.76 and 1.55 (99th percentile 1.20 to
 *       1.43), so the bound leaves no room for a systematic error larger than about the noise floor itself.</li>
 *   <li>Component weights within {@value #MAX_WEIGHT_SE} binomial standard errors √(w(1 − w)/n).</li>
 *   <li>Component spreads (RMS distance to the mean / √d) within {@value #SPREAD_SE} relative standard errors
 *       1/√(2·n_k·d) plus {@value #SPREAD_BIAS} for discretization: the ancestral predictor is known to fall a
 *       few percent short in variance at these step counts, and the first-order Euler method on the VE
 *       probability flow is about 4% off at {@value #EULER_STEPS} steps (9% at 200).</li>
 * </ul>
 * {@link #theChecksRejectACoarseSampler} and {@link #theChecksRejectTheScoreOfADifferentMixture} show that the
 * same bounds fail clearly wrong samplers.
 *
 * <p><b>Sizes.</b> Predictor–corrector sampling uses {@value #PC_STEPS} steps, the probability-flow ODE
 * {@value #EULER_STEPS} (Euler), {@value #HEUN_STEPS} (Heun), {@value #RK4_STEPS} (RK4) steps or adaptive steps
 * (RK45, default tolerances). Corrector-only sampling (predictor {@code none}) needs many more Langevin steps:
 * it relaxes towards p_t at each level at a rate ∝ σ(t)²/v per step (v the variance of a perturbed component)
 * while p_t moves on, and lags behind; it runs {@value #CORRECTOR_ONLY_STEPS} levels × {@value
 * #CORRECTOR_ONLY_N_STEPS} corrector steps on a grid equally spaced in log-SNR ({@code logsnr}: at low noise
 * equally spaced in log σ; for VE the same as its uniform grid). With half as many steps, or on VP's uniform
 * time grid (few levels at low noise), its spreads come out 3–9% too wide and its weights up to 5 standard
 * errors off.
 *
 * <p><b>Excluded.</b> Corrector-only sampling on sub-VP. Its mean coefficient m(t) = √(1 − σ(t)) moves at first
 * order in σ (VP's √(1 − σ²) at second order) while the Langevin step shrinks as σ², so at low noise the chain
 * trails the shrinking component means: with 4000 score evaluations per sample the components far from the
 * origin come out 10–22% too wide (the one at the origin is right) and the weights 10 standard errors off;
 * with 8000 it only just meets the bounds (2-D Langevin: SW₂ ratio 1.55, weights 4.0 standard errors), and
 * four more such runs would add about 40 s to a class that already spends half its time on corrector-only
 * sampling.
 */
class SamplerQualityTest {
    /** Samples per run (and per true sample set). */
    static final int N = 2000;
    /** Grid steps of predictor–corrector sampling. */
    static final int PC_STEPS = 500;
    /** Grid steps of corrector-only sampling (predictor none). */
    static final int CORRECTOR_ONLY_STEPS = 800;
    /** Langevin steps per grid time of corrector-only sampling. */
    static final int CORRECTOR_ONLY_N_STEPS = 10;
    /** Grid steps of the probability-flow ODE with Euler's method. */
    static final int EULER_STEPS = 500;
    /** Grid steps of the probability-flow ODE with Heun's method (2 score evaluations per step). */
    static final int HEUN_STEPS = 100;
    /** Grid steps of the probability-flow ODE with RK4 (4 score evaluations per step). */
    static final int RK4_STEPS = 50;

    /** Bound on the SW₂ ratio. */
    static final double MAX_RATIO = MixtureQuality.MAX_RATIO;
    /** Bound on every component weight error, in binomial standard errors √(w(1 − w)/n). */
    static final double MAX_WEIGHT_SE = MixtureQuality.MAX_WEIGHT_SE;
    /** Relative standard errors 1/√(2·n_k·d) allowed in every component spread, ... */
    static final double SPREAD_SE = MixtureQuality.SPREAD_SE;
    /** ... plus this relative discretization allowance. */
    static final double SPREAD_BIAS = MixtureQuality.SPREAD_BIAS;

    /** Seed of the sampling runs. */
    static final long RUN_SEED = 1;
    /** True sample sets per reference, drawn with seeds TRUTH_SEED, TRUTH_SEED + 1, …. */
    static final int TRUE_SETS = 8;
    static final long TRUTH_SEED = 100;

    /** The 8-D mixture: 4 components with unequal weights and spreads, means 4.6 to 6.1 apart. */
    static final GaussianMixture MIXTURE_8D = MixtureQuality.MIXTURE_8D;

    @TempDir
    static Path dir;
    static MixtureQuality quality;

    @BeforeAll
    static void setUp() {
        quality = new MixtureQuality(Score4j.create(null), N, TRUE_SETS, TRUTH_SEED, dir);
    }

    /** A sampler: a name and how it completes a spec. */
    record Sampler(String name, UnaryOperator<PipelineSpec> configure) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The three checks. */
    enum Check {
        RATIO, WEIGHTS, SPREADS;

        boolean passes(Distributions.Report r) {
            return switch (this) {
                case RATIO -> r.ratio() <= MAX_RATIO;
                case WEIGHTS -> r.weightErrorSe() <= MAX_WEIGHT_SE;
                case SPREADS -> r.spreadExcess(SPREAD_SE, SPREAD_BIAS) <= 0;
            };
        }

        static Set<Check> failing(Distributions.Report r) {
            Set<Check> out = EnumSet.noneOf(Check.class);
            for (Check c : values()) {
                if (!c.passes(r)) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    static Stream<Arguments> combinations() {
        List<Arguments> out = new ArrayList<>();
        for (String sde : List.of("vp", "ve", "subvp")) {
            for (Sampler s : samplers(sde)) {
                for (int d : new int[] {2, 8}) {
                    out.add(Arguments.of(sde, s, d));
                }
            }
        }
        return out.stream();
    }

    static List<Sampler> samplers(String sde) {
        List<Sampler> out = new ArrayList<>();
        for (String p : List.of("euler-maruyama", "reverse-diffusion", "ancestral")) {
            for (String c : List.of("none", "langevin", "annealed-langevin")) {
                PluginRef corrector = corrector(sde, c, 1);
                out.add(new Sampler("pc " + p + "+" + c, spec -> spec.withSolver(PluginRef.of("pc"))
                        .withPredictor(PluginRef.of(p)).withCorrector(corrector).withSteps(PC_STEPS)));
            }
        }
        if (!sde.equals("subvp")) {
            for (String c : List.of("langevin", "annealed-langevin")) {
                PluginRef corrector = corrector(sde, c, CORRECTOR_ONLY_N_STEPS);
                out.add(new Sampler("pc none+" + c + " x" + CORRECTOR_ONLY_N_STEPS, spec -> spec
                        .withSolver(PluginRef.of("pc")).withPredictor(PluginRef.of("none")).withCorrector(corrector)
                        .withSchedule(PluginRef.of("logsnr")).withSteps(CORRECTOR_ONLY_STEPS)));
            }
        }
        out.add(ode("euler", EULER_STEPS));
        out.add(ode("heun", HEUN_STEPS));
        out.add(ode("rk4", RK4_STEPS));
        out.add(ode("rk45", 1));
        return out;
    }

    private static Sampler ode(String method, int steps) {
        return new Sampler("ode " + method, spec -> spec.withSolver(PluginRef.of("ode").with("method", method))
                .withSteps(steps));
    }

    /** A corrector with {@code nSteps} steps per level (annealed Langevin uses its default relative step). */
    static PluginRef corrector(String sde, String name, int nSteps) {
        PluginRef c = PluginRef.of(name);
        if (!name.equals("none")) {
            c = c.with("n_steps", Integer.toString(nSteps));
        }
        return c;
    }

    /** The spec of {@code sde} on the 2-D or 8-D mixture, before a sampler completes it. */
    static PipelineSpec base(String sde, int d) {
        return quality.base(sde, mixture(d), RUN_SEED);
    }

    /** The mixture the 2-D or 8-D spec samples. */
    static GaussianMixture mixture(int d) {
        return d == 2 ? GaussianMixture.defaultMixture() : MIXTURE_8D;
    }

    /** Runs {@code spec} and compares its samples with {@code target} perturbed to the SDE's t0. */
    static Outcome sampleAndCompare(PipelineSpec spec, GaussianMixture target) {
        return quality.run(spec, target);
    }

    static String line(String sde, String sampler, int d, Outcome o) {
        Distributions.Report r = o.report();
        return String.format(Locale.ROOT,
                "quality %-5s %-37s d=%d  SW ratio %.3f  weight err %.4f (%.2f SE)  spread err %.4f (%.2f SE)"
                        + "  nfe %d  %.2fs",
                sde, sampler, d, r.ratio(), r.maxWeightError(), r.weightErrorSe(), r.maxSpreadError(),
                r.spreadErrorSe(), o.nfe(), o.seconds());
    }

    @ParameterizedTest(name = "{0} {1} d={2}")
    @MethodSource("combinations")
    void reproducesTheMixture(String sde, Sampler sampler, int d) {
        Outcome o = sampleAndCompare(sampler.configure().apply(base(sde, d)), mixture(d));
        System.out.println(line(sde, sampler.name(), d, o));
        assertThat(Check.failing(o.report())).as("%s %s d=%d: %s", sde, sampler, d, o.report()).isEmpty();
    }

    @Test
    void theChecksRejectACoarseSampler() {
        // 10 Euler–Maruyama steps on VE: σ falls by a factor 2.3 per step, far outside the scheme's validity
        Outcome o = sampleAndCompare(base("ve", 2).withSolver(PluginRef.of("pc"))
                .withPredictor(PluginRef.of("euler-maruyama")).withCorrector(PluginRef.of("none")).withSteps(10),
                mixture(2));
        System.out.println(line("ve", "pc euler-maruyama+none, 10 steps", 2, o));
        assertThat(Check.failing(o.report())).as(o.report().toString()).containsExactlyInAnyOrder(Check.values());
    }

    /**
     * Mixtures that differ from the 8-D one in one respect each, and the check that must catch it: weights
     * moved by 0.1 (9 to 15 standard errors), every std 15% wider (the allowance is 6–10%), every mean shifted
     * by 0.3 (0.4 to 1 component std), which moves the RMS spreads by only 1–6%, at the edge of their
     * allowance.
     */
    static Stream<Arguments> wrongMixtures() {
        double[] shift = new double[8];
        Arrays.fill(shift, 0.3 / Math.sqrt(8));
        double[][] mu = MIXTURE_8D.means();
        for (double[] m : mu) {
            for (int j = 0; j < 8; j++) {
                m[j] += shift[j];
            }
        }
        double[] wider = MIXTURE_8D.stds();
        for (int k = 0; k < wider.length; k++) {
            wider[k] *= 1.15;
        }
        return Stream.of(
                Arguments.of("weights", new GaussianMixture(new double[] {0.3, 0.3, 0.2, 0.2}, MIXTURE_8D.means(),
                        MIXTURE_8D.stds()), Check.WEIGHTS),
                Arguments.of("stds", new GaussianMixture(MIXTURE_8D.weights(), MIXTURE_8D.means(), wider),
                        Check.SPREADS),
                Arguments.of("means", new GaussianMixture(MIXTURE_8D.weights(), mu, MIXTURE_8D.stds()),
                        Check.RATIO));
    }

    @ParameterizedTest(name = "wrong {0}")
    @MethodSource("wrongMixtures")
    void theChecksRejectTheScoreOfADifferentMixture(String what, GaussianMixture wrong, Check expected) {
        // the exact score of the wrong mixture, integrated accurately: only the score is wrong
        Outcome o = sampleAndCompare(base("vp", 8).withModel(quality.model(wrong))
                .withSolver(PluginRef.of("ode").with("method", "rk4")).withSteps(RK4_STEPS), MIXTURE_8D);
        System.out.println(line("vp", "ode rk4, score with wrong " + what, 8, o));
        assertThat(Check.failing(o.report())).as(o.report().toString()).contains(expected);
    }

    @Test
    void trueSamplesPassTheChecks() {
        // calibration: an exact sampler (true samples from another seed) against the same reference
        for (int d : new int[] {2, 8}) {
            Distributions.Reference ref = quality.reference(mixture(d));
            Distributions.Report r = ref.compare(mixture(d).sample(N, RUN_SEED).x());
            System.out.println(line("-", "true samples", d, new Outcome(r, 0, 0)));
            assertThat(Check.failing(r)).as(r.toString()).isEmpty();
        }
    }
}
