package org.score4j.runner.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.Score4j;
import org.score4j.runner.quality.MixtureQuality.Outcome;
import org.score4j.runner.quality.SamplerQualityTest.Check;

/**
 * The goal of the fast samplers: "on 2-D and 8-D mixtures, at most {@value #BUDGET} model evaluations reach the
 * quality of the 1000-step predictor–corrector sampler". Same mixtures (the built-in 2-D one and the 8-D one of
 * {@link SamplerQualityTest}), sizes ({@value SamplerQualityTest#N} samples, run seed
 * {@value SamplerQualityTest#RUN_SEED}, {@value SamplerQualityTest#TRUE_SETS} true sets) and checks
 * ({@link Check}: SW₂ ratio ≤ {@value SamplerQualityTest#MAX_RATIO}, weights within
 * {@value SamplerQualityTest#MAX_WEIGHT_SE} standard errors, spreads within {@value SamplerQualityTest#SPREAD_SE}
 * standard errors + {@value SamplerQualityTest#SPREAD_BIAS}) as that suite, whose predictor–corrector sampler
 * (500 steps of reverse diffusion + Langevin, 1000 evaluations) meets them; the evaluations are the run loop's
 * count ({@code SampleResult.nfe()}), asserted as well.
 *
 * <p><b>Reaching the goal</b> ({@link #reachesThePcQualityWithin20Evaluations},
 * {@link #dpmSolverOnItsDefaultGridReachesThePcQualityWithin20Evaluations}): DPM-Solver++(2M)
 * ({@code dpm-solver-pp}) with 20 steps (20 evaluations) on the VP SDE needs the {@code quadratic} time grid or
 * Karras' grid ({@code karras}, ρ = 7), not the {@code logsnr} grid (below); {@code quadratic} is therefore
 * the solver's default grid. Measured (SW₂ ratio;
 * weight error; largest spread error minus its allowance, ≤ 0 passes):
 * <pre>
 *                          2-D                    8-D
 *   quadratic, 20 steps    1.338  2.38 SE  −0.034  1.080  1.45 SE  −0.021
 *   karras,    20 steps    1.328  2.38 SE  −0.006  1.074  1.29 SE  −0.007
 * </pre>
 * The classical RK4 on the probability-flow ODE with 5 steps on the uniform grid (20 evaluations) gets there too:
 * 1.350, 2.25 SE, spread error 2.7 SE on the 2-D mixture, 1.045, 1.45 SE, 0.9 SE on the 8-D one.
 *
 * <p>The margins are thin: at 20 steps DPM-Solver++ leaves the components 2–9% wider than the accurately
 * integrated ODE does from the same prior draws. Over run seeds
 * 1–6 the quadratic grid met every bound on both mixtures, Karras' grid failed once (seed 5, 8-D spreads, by
 * 0.0007). With 10 000 samples instead of 2000 (standard errors √5 times smaller) none of these meets the 2-D
 * spread bound at 20 evaluations, while the 1000-step predictor–corrector sampler still meets every bound; the
 * goal holds at the resolution of this suite, not beyond it (see {@code docs/quality-vs-nfe.md}).
 *
 * <p><b>Not reaching it</b> ({@link #theOtherSamplersNeedMoreEvaluations}, which pins the numbers below):
 * <ul>
 *   <li>DPM-Solver++(2M) on its recommended {@code logsnr} grid: 20 steps pass on the 8-D mixture but not on the
 *       2-D one, where the central component (std 0.6 at the origin) comes out 16% wide against an allowance of
 *       13% (5% with the ODE integrated accurately from the same prior draws); 25 steps pass. The error arises
 *       where the noise level k = σ/m lies between about 0.3 and 3 and the trajectories settle on their
 *       component: halving only the two logsnr steps within k ∈ [1, 3] brings that component from 12% to 2% too
 *       wide (the same solver computed in double precision on 20 000 draws), while refining any other band of
 *       noise levels changes it by less than 1%. Of their 20 steps the quadratic grid puts 8 in k ∈ [0.3, 3],
 *       logsnr 5 (and 5 below k = 0.1, where little happens) and karras 4, which meets the bounds at this seed
 *       only by a small margin. {@code lower_order_final} plays no part at 20 steps; it acts below 15, and at
 *       10 steps the default first-order last step misses the spread bound by 0.002 on the 8-D mixture and 0.19
 *       on the 2-D one, a second-order last step by 0.009 and 0.19.</li>
 *   <li>EDM's Heun sampler ({@code edm}) on {@code karras}: 10 steps (19 evaluations: the last step is an Euler
 *       step) leave every component 9–23% too wide on both mixtures; 20 steps (39 evaluations) pass. This is
 *       the Heun method in noise-level space itself: for a component of std s the ODE is dx̃/dk = k·x̃/(s² + k²),
 *       and on the 10-step grid from k = 152 to 0.01 the steps around k ≈ s have ratios k_i/k_{i+1} of about 3
 *       (0.87 → 0.27 → 0.063): the step 0.87 → 0.27 alone widens a component of std 0.2 by 14%, and the whole
 *       grid by 17–21% for s = 0.2–0.7 (a closed-form calculation, close to the measured 9–23%). No grid fixes it
 *       within 10 steps: ρ = 3, 10, 15, 20 and the {@code logsnr} grid are no better (a search over two-piece
 *       log-spaced grids found at best 11%), the {@code quadratic} grid gets the 8-D spreads just within bounds
 *       but the 2-D weights 5 standard errors off, and stochastic churn ({@code s_churn}) is worse. The paper's
 *       last Euler step is not the cause: it narrows a component by about 3%, and a Heun last step (20
 *       evaluations) would widen the result further.</li>
 *   <li>DDIM ({@code ddim}, η = 0, on the {@code ddpm} SDE, the first-order exponential integrator): 20 steps
 *       leave components up to 20% (2-D) and 16% (8-D) too wide with the default {@code leading} timesteps, and
 *       up to 24% too narrow with {@code trailing} or {@code linspace}; it needs 50 steps on the 2-D mixture and
 *       100 on the 8-D one.</li>
 * </ul>
 * Run seed {@value SamplerQualityTest#RUN_SEED} is the one of {@link SamplerQualityTest}; the runs are
 * deterministic, so the numbers above are exact for it.
 */
class FastSolverQualityTest {
    /** The evaluation budget of the goal. */
    static final int BUDGET = 20;

    @TempDir
    static Path dir;
    static MixtureQuality quality;

    @BeforeAll
    static void setUp() {
        quality = new MixtureQuality(Score4j.create(null), SamplerQualityTest.N, SamplerQualityTest.TRUE_SETS,
                SamplerQualityTest.TRUTH_SEED, dir);
    }

    /**
     * A fixed-step sampler with its step count.
     *
     * @param nfe the score evaluations a run must take
     */
    record Fast(String name, String sde, int steps, int nfe, UnaryOperator<PipelineSpec> configure) {
        @Override
        public String toString() {
            return name + ", " + steps + " steps";
        }
    }

    static Fast dpm(String grid, int steps) {
        return new Fast("dpm-solver-pp " + grid, "vp", steps, steps, s -> s.withSolver(PluginRef.of("dpm-solver-pp"))
                .withSchedule(PluginRef.of(grid)));
    }

    static Fast edm(int steps) {
        return new Fast("edm karras", "vp", steps, 2 * steps - 1, s -> s.withSolver(PluginRef.of("edm"))
                .withSchedule(PluginRef.of("karras")));
    }

    static Fast rk4(int steps) {
        return new Fast("ode rk4", "vp", steps, 4 * steps, s -> s.withSolver(PluginRef.of("ode").with("method", "rk4"))
                .withSchedule(PluginRef.of("uniform")));
    }

    static Fast ddim(int steps) {
        return new Fast("ddim", "ddpm", steps, steps, s -> s.withSolver(PluginRef.of("ddim")));
    }

    private static Outcome run(Fast f, int d) {
        PipelineSpec spec = f.configure().apply(quality.base(f.sde(), SamplerQualityTest.mixture(d),
                SamplerQualityTest.RUN_SEED)).withSteps(f.steps());
        Outcome o = quality.run(spec, SamplerQualityTest.mixture(d));
        System.out.println(SamplerQualityTest.line(f.sde(), "fast " + f, d, o));
        assertThat(o.nfe()).as("score evaluations of %s", f).isEqualTo(f.nfe());
        return o;
    }

    static Stream<Arguments> reaching() {
        return Stream.of(
                Arguments.of(dpm("quadratic", 20), 2),
                Arguments.of(dpm("quadratic", 20), 8),
                Arguments.of(dpm("karras", 20), 2),
                Arguments.of(dpm("karras", 20), 8),
                // on the 8-D mixture only: on the 2-D one it needs 25 steps (slower())
                Arguments.of(dpm("logsnr", 20), 8),
                Arguments.of(rk4(5), 2),
                Arguments.of(rk4(5), 8));
    }

    @ParameterizedTest(name = "{0} d={1}")
    @MethodSource("reaching")
    void reachesThePcQualityWithin20Evaluations(Fast sampler, int d) {
        Outcome o = run(sampler, d);
        assertThat(o.nfe()).isLessThanOrEqualTo(BUDGET);
        assertThat(Check.failing(o.report())).as("%s d=%d: %s", sampler, d, o.report()).isEmpty();
    }

    static Stream<Arguments> defaultGrid() {
        return Stream.of(2, 8).flatMap(d -> java.util.stream.LongStream.rangeClosed(1, 6)
                .mapToObj(seed -> Arguments.of(d, seed)));
    }

    /**
     * The goal with the defaults: {@code --solver dpm-solver-pp --steps 20} and no {@code --schedule} runs on
     * the solver's default grid ({@code quadratic}), which meets every bound on both mixtures for run seeds 1–6.
     */
    @ParameterizedTest(name = "d={0} seed={1}")
    @MethodSource("defaultGrid")
    void dpmSolverOnItsDefaultGridReachesThePcQualityWithin20Evaluations(int d, long seed) {
        PipelineSpec spec = quality.base("vp", SamplerQualityTest.mixture(d), seed)
                .withSolver(PluginRef.of("dpm-solver-pp")).withSteps(BUDGET);
        assertThat(spec.schedule()).isNull();
        Outcome o = quality.run(spec, SamplerQualityTest.mixture(d));
        System.out.println(SamplerQualityTest.line("vp", "fast dpm-solver-pp default grid seed " + seed, d, o));
        assertThat(o.nfe()).isEqualTo(BUDGET);
        assertThat(Check.failing(o.report())).as("d=%d seed=%d: %s", d, seed, o.report()).isEmpty();
    }

    /**
     * A sampler within the budget that misses the bounds (failing at least {@code check}), and the same sampler
     * with the step count that meets them.
     */
    static Stream<Arguments> slower() {
        return Stream.of(
                Arguments.of(dpm("logsnr", 20), 2, Check.SPREADS, dpm("logsnr", 25)),
                Arguments.of(edm(10), 2, Check.SPREADS, edm(20)),
                Arguments.of(edm(10), 8, Check.SPREADS, edm(20)),
                Arguments.of(ddim(20), 2, Check.SPREADS, ddim(50)),
                Arguments.of(ddim(20), 8, Check.SPREADS, ddim(100)));
    }

    @ParameterizedTest(name = "{0} d={1}, then {3}")
    @MethodSource("slower")
    void theOtherSamplersNeedMoreEvaluations(Fast withinBudget, int d, Check fails, Fast enough) {
        assertThat(withinBudget.nfe()).isLessThanOrEqualTo(BUDGET);
        Outcome cheap = run(withinBudget, d);
        assertThat(Check.failing(cheap.report())).as("%s d=%d: %s", withinBudget, d, cheap.report())
                .contains(fails);
        Outcome o = run(enough, d);
        assertThat(Check.failing(o.report())).as("%s d=%d: %s", enough, d, o.report()).isEmpty();
    }
}
