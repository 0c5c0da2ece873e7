package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.SamplingContext;
import org.score4j.api.solver.Step;
import org.score4j.api.testing.GaussianData;
import org.score4j.api.testing.SolverContracts;

class CorrectorTest {
    private static final GaussianData DATA = new GaussianData(0.5, 0.3, 8);
    private static final int N = 2000;
    private static final double T = 0.5;

    /**
     * Runs the pc solver with predictor none on the one-step grid {t, t0}: a single corrector call at the
     * fixed time t, starting from the prior. Returns the pooled moments.
     */
    private static Stats atFixedTime(Sde sde, Corrector corrector) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource noise = PerSampleNoise.create(5, 0, N);
            NDArray x = sde.priorSample(new Shape(DATA.d()), noise, nd);
            SamplingContext ctx = new SamplingContext(sde, DATA.score(sde), Conditioning.NONE, noise,
                    new double[] {T, sde.t0()}, new NonePredictor(), corrector);
            return Stats.of(SolverContracts.run(new PcSolver(true), ctx, x).result().toFloatArray());
        }
    }

    /** Asserts moments N(m(t)·mu, v·inflation) within 4.5 standard errors. */
    private static void assertGaussian(Stats st, Sde sde, double inflation) {
        double var = DATA.variance(sde, T) * inflation;
        double mean = sde.marginal(T).mean() * DATA.mu();
        assertThat(Math.abs(st.mean() - mean)).as("mean %s", st).isLessThan(4.5 * Stats.meanError(var, st.count()));
        assertThat(Math.abs(st.variance() / var - 1)).as("variance %s vs %s", st, var)
                .isLessThan(4.5 * Stats.varianceError(st.count()));
    }

    @Test
    void langevinEquilibratesToThePerturbedGaussianAtFixedTime() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            // default snr: a small step, many iterations; the chain's own bias (≤ 2.6%) is within the tolerance
            LangevinCorrector slow = new LangevinCorrector(0.16, 300);
            double v = DATA.variance(sde, T);
            double eps = slow.stepSize(sde, T);
            assertGaussian(atFixedTime(sde, slow), sde, 1 / (1 - eps / (2 * v)));
            // a large step: the stationary variance of the discretized chain, v/(1 − ε/(2v)), is 27–33% above v
            LangevinCorrector fast = new LangevinCorrector(0.5, 40);
            eps = fast.stepSize(sde, T);
            assertThat(eps / (2 * v)).isGreaterThan(0.2);
            assertGaussian(atFixedTime(sde, fast), sde, 1 / (1 - eps / (2 * v)));
        }
    }

    @Test
    void annealedLangevinEquilibratesToThePerturbedGaussianAtFixedTime() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            double v = DATA.variance(sde, T);
            AnnealedLangevinCorrector slow = new AnnealedLangevinCorrector(2e-5, 150);
            double alpha = slow.alpha(sde, T);
            assertGaussian(atFixedTime(sde, slow), sde, 1 / (1 - alpha / (4 * v)));
            // stationary variance of x + (α/2)s + √α z on a Gaussian: v/(1 − α/(4v))
            AnnealedLangevinCorrector fast = new AnnealedLangevinCorrector(1e-4, 40);
            alpha = fast.alpha(sde, T);
            assertThat(alpha / (4 * v)).isGreaterThan(0.2);
            assertGaussian(atFixedTime(sde, fast), sde, 1 / (1 - alpha / (4 * v)));
        }
    }

    /** score_sde's Langevin step taken per sample: ε_i = 2(snr·‖z_i‖/‖s_i‖)², the rule this module avoids. */
    private static Corrector perSampleNormLangevin(double snr) {
        return (x, t, sde, score, cond, noise) -> {
            NDArray s = score.score(x, t, cond);
            NDArray z = Nd.normalLike(x, noise);
            double[] sv = Nd.toDoubles(s);
            double[] zv = Nd.toDoubles(z);
            int n = Nd.rows(x);
            int d = sv.length / n;
            double[] eps = new double[n];
            double[] std = new double[n];
            for (int i = 0; i < n; i++) {
                double ss = 0;
                double zz = 0;
                for (int j = i * d; j < (i + 1) * d; j++) {
                    ss += sv[j] * sv[j];
                    zz += zv[j] * zv[j];
                }
                eps[i] = 2 * snr * snr * zz / ss;
                std[i] = Math.sqrt(2 * eps[i]);
            }
            NDArray mean = x.add(s.mul(Nd.column(x, eps)));
            return new Step(mean.add(z.mul(Nd.column(x, std))), mean);
        };
    }

    /** Component fractions, per-component spread, pooled spread and largest distance to the nearest mode. */
    private record MixtureStats(double[] weights, double[] spread, double pooledSpread, double maxDistance) {}

    private static MixtureStats sampleMixture(Sde sde, Corrector corrector) {
        Mixture2d mix = Mixture2d.fourModes();
        int k = mix.weights().length;
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource noise = PerSampleNoise.create(3, 0, N);
            NDArray x = sde.priorSample(new Shape(2), noise, nd);
            SamplingContext ctx = new SamplingContext(sde, mix.score(sde), Conditioning.NONE, noise,
                    SolverContracts.uniformGrid(sde, 1000), new ReverseDiffusionPredictor(), corrector);
            double[] r = Nd.toDoubles(SolverContracts.run(new PcSolver(true), ctx, x).result());
            int[] counts = new int[k];
            double[] sq = new double[k];
            double total = 0;
            double maxDist = 0;
            for (int i = 0; i < N; i++) {
                int c = mix.nearest(r[2 * i], r[2 * i + 1]);
                double dx = r[2 * i] - mix.means()[c][0];
                double dy = r[2 * i + 1] - mix.means()[c][1];
                counts[c]++;
                sq[c] += dx * dx + dy * dy;
                total += dx * dx + dy * dy;
                maxDist = Math.max(maxDist, Math.hypot(dx, dy));
            }
            double[] w = new double[k];
            double[] spread = new double[k];
            for (int c = 0; c < k; c++) {
                w[c] = counts[c] / (double) N;
                spread[c] = Math.sqrt(sq[c] / (2.0 * counts[c]));
            }
            return new MixtureStats(w, spread, Math.sqrt(total / (2.0 * N)), maxDist);
        }
    }

    @Test
    void correctorsKeepTheModesOfA2dMixture() {
        Mixture2d mix = Mixture2d.fourModes();
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            for (Corrector c : new Corrector[] {new LangevinCorrector(0.16, 1), new AnnealedLangevinCorrector(2e-5, 1)}) {
                MixtureStats st = sampleMixture(sde, c);
                for (int k = 0; k < mix.weights().length; k++) {
                    double w = mix.weights()[k];
                    assertThat(Math.abs(st.weights()[k] - w)).as("%s %s weight %d", sde, c, k)
                            .isLessThan(4.5 * Math.sqrt(w * (1 - w) / N));
                    assertThat(st.spread()[k] / mix.c()).as("%s %s spread %d", sde, c, k).isBetween(0.8, 1.2);
                }
                // 2N coordinates: the relative standard error of the spread is 1/sqrt(4N) ≈ 1.1%
                assertThat(st.pooledSpread() / mix.c()).as("%s %s pooled spread", sde, c).isBetween(0.95, 1.05);
                assertThat(st.maxDistance()).as("%s %s", sde, c).isLessThan(6 * mix.c());
            }
        }
    }

    @Test
    void perSampleNormStepBreaksA2dMixture() {
        // Why LangevinCorrector uses the expected norms: score_sde's rule applied per sample gives a sample near
        // a mode (tiny score) a huge step, which throws samples between the modes.
        MixtureStats st = sampleMixture(TestSdes.ve(), perSampleNormLangevin(0.16));
        assertThat(st.pooledSpread()).isGreaterThan(2 * Mixture2d.fourModes().c());
        assertThat(st.maxDistance()).isGreaterThan(1.0);
    }

    @Test
    void annealedLangevinDefaultStepIsRelativeToTheSmallestNoiseLevelAndUnstableStepsAreRefused() {
        org.score4j.api.sde.Sde sub = new org.score4j.sde.SubVpSde(0.1, 20, 1, 1e-3);
        double s0 = sub.marginal(sub.t0()).std();
        AnnealedLangevinCorrector auto = new AnnealedLangevinCorrector(Double.NaN, 1);
        assertThat(auto.alpha(sub, sub.t0())).isCloseTo(0.2 * s0 * s0, org.assertj.core.api.Assertions.within(1e-20));
        assertThat(auto.alpha(sub, 0.5) / auto.alpha(sub, sub.t0()))
                .isCloseTo(Math.pow(sub.marginal(0.5).std() / s0, 2), org.assertj.core.api.Assertions.within(1e-6));
        // the paper's 2e-5 is fine on VP (sigma(t0) ~ 0.01) but diverges on sub-VP (sigma(t0) ~ 1e-4)
        AnnealedLangevinCorrector fixed = new AnnealedLangevinCorrector(2e-5, 1);
        assertThat(fixed.alpha(TestSdes.vp(), 0.5)).isPositive();
        assertThatThrownBy(() -> fixed.alpha(sub, 0.5))
                .isInstanceOf(org.score4j.api.ConfigException.class)
                .hasMessageContaining("corrector.step_size")
                .hasMessageContaining("4*sigma(t0)^2");
    }
}
