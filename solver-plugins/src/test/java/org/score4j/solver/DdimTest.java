package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.EpsilonModel;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.SdeFactory;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Solver;
import org.score4j.api.testing.GaussianData;
import org.score4j.api.testing.SolverContracts;
import org.score4j.sde.DdpmSde;
import org.score4j.sde.SdePlugin;
import org.score4j.sde.UniformSchedule;

class DdimTest {
    private static final GaussianData DATA = SolverContracts.DATA;

    private static <T> T create(String kind, List<? extends org.score4j.api.plugin.PluginFactory<T>> factories,
            String name, Map<String, String> config) {
        var f = factories.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return f.create(PluginConfig.of(kind, f, config));
    }

    /**
     * diffusers' DDIMScheduler test {@code test_full_loop_no_noise}: N = 1000, linear β from 1e-4 to 0.02,
     * 10 steps with leading spacing, clip_sample on, eta 0, the model ε(x, t) = x·t/(t + 1) with the integer
     * timestep t, and x = arange(768)/768 reshaped to (3, 8, 8, 4) and permuted to (4, 3, 8, 8): the result's
     * sum of |x| is 172.0067 and its mean 0.223967 (computed in float32 there).
     */
    @Test
    void reproducesTheDiffusersReferenceLoop() {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            // the pipeline's plugins, configured as a user would
            List<SdeFactory> sdes = new SdePlugin().sdes();
            Sde sde = create("sde", sdes, "ddpm", Map.of("schedule", "linear", "num_train_timesteps", "1000",
                    "beta_start", "0.0001", "beta_end", "0.02"));
            Solver ddim = create("solver", new SolverPlugin().solvers(), "ddim",
                    Map.of("clip_sample", "true", "timestep_spacing", "leading"));
            // the ported model: an ε-network called with integer timesteps
            List<Integer> seen = new ArrayList<>();
            EpsilonModel model = EpsilonModel.unconditional((x, t) -> {
                seen.add(t);
                return x.mul(t).div(t + 1.0);
            });
            ScoreFunction score = model.score((DdpmSde) sde);

            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray x = nd.arange(0, 768, 1, DataType.FLOAT64).div(768).reshape(3, 8, 8, 4)
                        .transpose(3, 0, 1, 2).toType(type, false);
                double[] grid = new UniformSchedule().times(10, sde);
                SamplingContext ctx = SolverContracts.odeContext(sde, score, grid, 4);
                SolverContracts.Run run = SolverContracts.run(ddim, ctx, x);
                NDArray out = run.result();
                assertThat(out.getShape()).isEqualTo(new Shape(4, 3, 8, 8));
                assertThat(out.getDataType()).isEqualTo(type);
                double sum = out.abs().sum().toType(DataType.FLOAT64, false).getDouble();
                double mean = out.abs().mean().toType(DataType.FLOAT64, false).getDouble();
                assertThat(sum).as("%s sum", type).isCloseTo(172.0067, within(1e-4 * 172.0067));
                assertThat(mean).as("%s mean", type).isCloseTo(0.223967, within(1e-4 * 0.223967));
                assertThat(run.steps()).isEqualTo(10);
                assertThat(((DdimSolver.State) run.state()).timestep()).isEqualTo(-1);
            }
            assertThat(seen).containsExactly(900, 800, 700, 600, 500, 400, 300, 200, 100, 0);
        }
    }

    @Test
    void timestepsFollowDiffusersSpacings() {
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.LEADING, 10, 1000))
                .containsExactly(900, 800, 700, 600, 500, 400, 300, 200, 100, 0);
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.TRAILING, 10, 1000))
                .containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.LINSPACE, 10, 1000))
                .containsExactly(999, 888, 777, 666, 555, 444, 333, 222, 111, 0);
        // N not divisible by S: leading keeps the integer ratio, trailing rounds N − k·N/S half to even
        // (10, 7.5, 5, 2.5 → 10, 8, 5, 2), as numpy does
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.LEADING, 3, 1000)).containsExactly(666, 333, 0);
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.TRAILING, 3, 1000)).containsExactly(999, 666, 332);
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.TRAILING, 4, 10)).containsExactly(9, 7, 4, 1);
        assertThat(DdimSolver.timesteps(DdimSolver.Spacing.LINSPACE, 4, 10)).containsExactly(9, 6, 3, 0);
        for (DdimSolver.Spacing sp : DdimSolver.Spacing.values()) {
            int[] all = DdimSolver.timesteps(sp, 1000, 1000);
            for (int k = 0; k < 1000; k++) {
                assertThat(all[k]).isEqualTo(999 - k);
            }
            assertThat(DdimSolver.timesteps(sp, 1, 1000)).hasSize(1);
            assertThatThrownBy(() -> DdimSolver.timesteps(sp, 1001, 1000)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("steps (1001)").hasMessageContaining("num_train_timesteps = 1000");
        }
    }

    /** s(x, t) = −(x − 0.2·t)/(0.7 + t): a score whose x̂_0 leaves [−1, 1], element-wise in Java too. */
    private static double score(double x, double t) {
        return -(x - 0.2 * t) / (0.7 + t);
    }

    private static final ScoreFunction SCORE = new ScoreFunction() {
        @Override
        public NDArray score(NDArray x, double t, Conditioning cond) {
            return x.sub(0.2 * t).div(-(0.7 + t));
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning cond) {
            throw new AssertionError("the shared-time form is expected");
        }
    };

    /**
     * A whole stochastic, clipped run on a small process against eq. 12 evaluated in Java with the same normal
     * draws (a twin noise source), for each spacing and both final-ᾱ choices.
     */
    @Test
    void everyStepIsEquation12() {
        DdpmSde sde = DdpmSde.linear(20, 0.01, 0.2);
        int rows = 3;
        int d = 5;
        double eta = 0.7;
        double range = 0.8;
        double[] start = new double[rows * d];
        for (int i = 0; i < start.length; i++) {
            start[i] = 1.8 * Math.sin(0.9 * i + 0.3);
        }
        for (DdimSolver.Spacing spacing : DdimSolver.Spacing.values()) {
            for (boolean one : new boolean[] {true, false}) {
                Solver ddim = new DdimSolver(eta, spacing, one, true, range);
                int[] ts = DdimSolver.timesteps(spacing, 6, 20);
                // Java: the same update with twin draws
                double[] x = start.clone();
                int draws = 0;
                double[][] z = twin(rows, d, 6);
                for (int k = 0; k < ts.length; k++) {
                    int i = ts[k];
                    int p = k + 1 < ts.length ? ts[k + 1] : (one ? -1 : 0);
                    double abar = sde.alphaCumprod(i);
                    double abarPrev = sde.alphaCumprod(p);
                    double var = eta * eta * (1 - abarPrev) / (1 - abar) * (1 - abar / abarPrev);
                    double t = sde.time(i);
                    for (int j = 0; j < x.length; j++) {
                        double eps = -Math.sqrt(1 - abar) * score(x[j], t);
                        double x0 = (x[j] - Math.sqrt(1 - abar) * eps) / Math.sqrt(abar);
                        x0 = Math.max(-range, Math.min(range, x0));
                        x[j] = Math.sqrt(abarPrev) * x0 + Math.sqrt(1 - abarPrev - var) * eps
                                + (var > 0 ? Math.sqrt(var) * z[draws][j] : 0);
                    }
                    draws += var > 0 ? 1 : 0;
                }
                try (NDManager nd = NDManager.newBaseManager()) {
                    NDArray x0 = nd.create(start, new Shape(rows, d));
                    SamplingContext ctx = new SamplingContext(sde, SCORE, Conditioning.NONE,
                            PerSampleNoise.create(5, 0, rows), new UniformSchedule().times(6, sde),
                            SolverContracts.nonePredictor(), SolverContracts.noneCorrector());
                    double[] got = SolverContracts.run(ddim, ctx, x0).result().toDoubleArray();
                    for (int j = 0; j < got.length; j++) {
                        assertThat(got[j]).as("%s alpha_one=%s [%d]", spacing, one, j).isCloseTo(x[j], within(1e-12));
                    }
                }
            }
        }
    }

    private static double[][] twin(int rows, int d, int draws) {
        double[][] z = new double[draws][];
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource twin = PerSampleNoise.create(5, 0, rows);
            for (int k = 0; k < draws; k++) {
                z[k] = twin.normal(new Shape(d), DataType.FLOAT64, nd).toDoubleArray();
            }
        }
        return z;
    }

    /** θ(t) = atan2(σ(t), m(t)·s): the angle of (m·s, σ), whose length is √v(t). */
    private static double theta(Marginal m) {
        return Math.atan2(m.std(), m.mean() * DATA.s());
    }

    /**
     * DDIM (eta = 0, exact score) on Gaussian data N(μ, s²): with y = x − m·μ, one step maps y to
     * y·(m_p·m·s² + σ_p·σ)/v = y·√(v_p/v)·cos(θ − θ_p), θ = atan2(σ, m·s), while the flow maps it to
     * y·√(v_p/v). So DDIM is the exact flow times ∏cos(Δθ_k): its relative error in y is 1 − ∏cos(Δθ_k) ≈
     * ½ΣΔθ_k², first order in the steps. Both facts are checked on trailing spacing without ᾱ = 1, which starts
     * at tEnd and ends at t0 like the flow.
     *
     * @return {relative error of y against the flow, the predicted 1 − ∏cos(Δθ_k)}
     */
    private static double[] ddimAgainstFlow(int steps) {
        DdpmSde sde = DdpmSde.defaults();
        Solver ddim = new DdimSolver(0, DdimSolver.Spacing.TRAILING, false, false, 1);
        int[] ts = DdimSolver.timesteps(DdimSolver.Spacing.TRAILING, steps, 1000);
        double product = 1;
        for (int k = 0; k < ts.length; k++) {
            int p = k + 1 < ts.length ? ts[k + 1] : 0;
            product *= Math.cos(theta(sde.marginal(sde.time(ts[k]))) - theta(sde.marginal(sde.time(p))));
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = sde.priorSample(new Shape(DATA.d()), PerSampleNoise.create(3, 0, 16), nd)
                    .toType(DataType.FLOAT64, false);
            NDArray exact = DATA.flow(sde, x, sde.tEnd(), sde.t0());
            SamplingContext ctx = SolverContracts.odeContext(sde, DATA.score(sde),
                    new UniformSchedule().times(steps, sde), 16);
            double[] got = SolverContracts.run(ddim, ctx, x.duplicate()).result().toDoubleArray();
            double[] want = exact.toDoubleArray();
            double mu0 = sde.marginal(sde.t0()).mean() * DATA.mu();
            double worst = 0;
            for (int j = 0; j < got.length; j++) {
                double y = want[j] - mu0;
                // exactly the flow's deviation times the product of cosines
                assertThat(got[j] - mu0).isCloseTo(y * product, within(1e-12 * (1 + Math.abs(y))));
                worst = Math.max(worst, Math.abs(got[j] - want[j]) / Math.abs(y));
            }
            return new double[] {worst, 1 - product};
        }
    }

    @Test
    void deterministicDdimIsTheProbabilityFlowInTheLimit() {
        double[] at50 = ddimAgainstFlow(50);
        double[] at500 = ddimAgainstFlow(500);
        // the tolerance 1 − ∏cos(Δθ) is met with equality: 6.5e-2 of |x − mμ| at 50 steps, 6.7e-3 at 500
        assertThat(at50[0]).isCloseTo(at50[1], within(1e-10)).isLessThan(0.07);
        assertThat(at500[0]).isCloseTo(at500[1], within(1e-10)).isLessThan(0.007);
        // first order: ten times the steps, a tenth of the error
        assertThat(at50[0] / at500[0]).isBetween(8.0, 12.0);
    }

    @Test
    void oneScoreEvaluationPerStepAndBatchIndependence() {
        DdpmSde sde = DdpmSde.defaults();
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomNormal(new Shape(4, 3)).toType(DataType.FLOAT64, false);
            CountingScore score = new CountingScore(DATA.score(sde));
            SamplingContext ctx = new SamplingContext(sde, score, Conditioning.NONE, PerSampleNoise.create(1, 0, 4),
                    new UniformSchedule().times(25, sde), SolverContracts.nonePredictor(),
                    SolverContracts.noneCorrector());
            SolverContracts.Run run = SolverContracts.run(new DdimSolver(1, DdimSolver.Spacing.LEADING, true,
                    false, 1), ctx, x);
            assertThat(run.steps()).isEqualTo(25);
            assertThat(score.count()).isEqualTo(25);
        }
        for (double eta : new double[] {0, 1}) {
            SolverContracts.assertBatchIndependent(new DdimSolver(eta, DdimSolver.Spacing.TRAILING, true, false, 1),
                    sde, 20, SolverContracts.nonePredictor(), SolverContracts.noneCorrector());
        }
    }

    @Test
    void needsTheDiscreteSde() {
        Solver ddim = new DdimSolver();
        Sde vp = TestSdes.vp();
        SamplingContext ctx = SolverContracts.odeContext(vp, DATA.score(vp), SolverContracts.uniformGrid(vp, 10), 2);
        assertThatThrownBy(() -> ddim.plannedSteps(ctx)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("solver ddim needs a discrete-time sde (sde ddpm), got sde VpSde");
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.zeros(new Shape(2, 4));
            assertThatThrownBy(() -> ddim.start(x, ctx)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("sde");
        }
        DdpmSde small = DdpmSde.linear(20, 1e-3, 0.2);
        SamplingContext tooMany = SolverContracts.odeContext(small, DATA.score(small),
                SolverContracts.uniformGrid(small, 30), 2);
        assertThatThrownBy(() -> ddim.plannedSteps(tooMany)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("steps (30)");
    }
}
