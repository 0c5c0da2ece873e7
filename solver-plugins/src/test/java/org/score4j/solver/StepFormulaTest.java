package org.score4j.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.sde.Transition;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Step;

/**
 * One predictor or corrector update against its closed form, computed in plain Java with the same normal
 * draws (a twin noise source with the same seed), in float64.
 */
class StepFormulaTest {
    private static final int N = 5;
    private static final int D = 3;
    private static final long SEED = 99;
    private static final double T = 0.6;
    private static final double T_NEXT = 0.55;

    /** s(x, t) = −(x − 0.2·t)/(0.7 + t), element-wise: a score that depends on x and t. */
    private static double score(double x, double t) {
        return -(x - 0.2 * t) / (0.7 + t);
    }

    private static ScoreFunction scoreFunction() {
        return new ScoreFunction() {
            @Override
            public NDArray score(NDArray x, double t, Conditioning cond) {
                return x.sub(0.2 * t).div(-(0.7 + t));
            }

            @Override
            public NDArray score(NDArray x, NDArray t, Conditioning cond) {
                throw new AssertionError("the shared-time form is expected");
            }
        };
    }

    private static double[] start() {
        double[] x = new double[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(1.3 * i + 0.4) * 1.5;
        }
        return x;
    }

    /** Normal draws of the twin noise source: {@code draws} arrays of N·D values. */
    private static double[][] twinNoise(int draws) {
        double[][] z = new double[draws][];
        try (NDManager nd = NDManager.newBaseManager()) {
            NoiseSource twin = PerSampleNoise.create(SEED, 0, N);
            for (int k = 0; k < draws; k++) {
                z[k] = twin.normal(new Shape(D), DataType.FLOAT64, nd).toDoubleArray();
            }
        }
        return z;
    }

    private interface Update {
        Step apply(NDArray x, Sde sde, ScoreFunction score, NoiseSource noise);
    }

    private static void check(Sde sde, Update update, double[] expectedX, double[] expectedMean) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(start(), new Shape(N, D));
            double[] before = x.toDoubleArray();
            Step step = update.apply(x, sde, scoreFunction(), PerSampleNoise.create(SEED, 0, N));
            assertThat(step.x().getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(step.x().getShape()).isEqualTo(new Shape(N, D));
            double[] gx = step.x().toDoubleArray();
            double[] gm = step.mean().toDoubleArray();
            for (int i = 0; i < gx.length; i++) {
                assertThat(gx[i]).as("x[%d]", i).isCloseTo(expectedX[i], within(1e-12));
                assertThat(gm[i]).as("mean[%d]", i).isCloseTo(expectedMean[i], within(1e-12));
            }
            assertThat(x.toDoubleArray()).as("input unchanged").containsExactly(before);
        }
    }

    /** x' = mean(x) + std·z for a per-element mean map and a constant std. */
    private static void checkPredictor(Sde sde, Predictor p, DoubleUnaryOperator mean, double std) {
        double[] x = start();
        double[] z = twinNoise(1)[0];
        double[] em = new double[x.length];
        double[] ex = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            em[i] = mean.applyAsDouble(x[i]);
            ex[i] = em[i] + std * z[i];
        }
        check(sde, (a, s, sc, noise) -> p.predict(a, T, T_NEXT, s, sc, Conditioning.NONE, noise), ex, em);
    }

    @Test
    void eulerMaruyama() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            double dt = T - T_NEXT;
            double f = sde.driftCoefficient(T);
            double g = sde.diffusion(T);
            checkPredictor(sde, new EulerMaruyamaPredictor(), x -> x - (f * x - g * g * score(x, T)) * dt,
                    g * Math.sqrt(dt));
        }
    }

    @Test
    void reverseDiffusion() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            Transition tr = sde.transition(T_NEXT, T);
            double a = tr.scale();
            double v = tr.variance();
            checkPredictor(sde, new ReverseDiffusionPredictor(), x -> (2 - a) * x + v * score(x, T), Math.sqrt(v));
        }
    }

    @Test
    void reverseDiffusionMatchesScoreSdeForVp() {
        // score_sde: x_mean = (2 - sqrt(1 - beta_i)) x + beta_i s with 1 - beta_i = m(t)^2 / m(tNext)^2
        Sde sde = TestSdes.vp();
        double beta = 1 - Math.pow(sde.marginal(T).mean() / sde.marginal(T_NEXT).mean(), 2);
        checkPredictor(sde, new ReverseDiffusionPredictor(),
                x -> (2 - Math.sqrt(1 - beta)) * x + beta * score(x, T), Math.sqrt(beta));
    }

    @Test
    void ancestralPosteriorAndTransitionVariance() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            Transition tr = sde.transition(T_NEXT, T);
            double a = tr.scale();
            double v = tr.variance();
            Marginal mt = sde.marginal(T);
            Marginal mn = sde.marginal(T_NEXT);
            DoubleUnaryOperator mean = x -> (x + v * score(x, T)) / a;
            checkPredictor(sde, new AncestralPredictor(AncestralPredictor.Variance.POSTERIOR), mean,
                    Math.sqrt(v * mn.variance() / mt.variance()));
            checkPredictor(sde, new AncestralPredictor(AncestralPredictor.Variance.TRANSITION), mean, Math.sqrt(v));
        }
    }

    @Test
    void ancestralVeMatchesSmldEquation47() {
        // Song et al. eq. 47: x_{i-1} = x_i + (σ_i² − σ_{i−1}²)s + sqrt(σ_{i−1}²(σ_i² − σ_{i−1}²)/σ_i²) z
        Sde sde = TestSdes.ve();
        double si = sde.marginal(T).std();
        double sp = sde.marginal(T_NEXT).std();
        double dv = si * si - sp * sp;
        checkPredictor(sde, new AncestralPredictor(AncestralPredictor.Variance.POSTERIOR),
                x -> x + dv * score(x, T), Math.sqrt(sp * sp * dv / (si * si)));
    }

    @Test
    void nonePredictorAndCorrectorReturnTheInput() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(start(), new Shape(N, D));
            CountingScore score = new CountingScore(scoreFunction());
            Step p = new NonePredictor().predict(x, T, T_NEXT, TestSdes.vp(), score, Conditioning.NONE,
                    PerSampleNoise.create(SEED, 0, N));
            Step c = new NoneCorrector().correct(x, T, TestSdes.vp(), score, Conditioning.NONE,
                    PerSampleNoise.create(SEED, 0, N));
            assertThat(p.x()).isSameAs(x);
            assertThat(p.mean()).isSameAs(x);
            assertThat(c.x()).isSameAs(x);
            assertThat(score.count()).isZero();
        }
    }

    /** Iterates x ← x + a·s(x) + b·z in Java; returns {x, mean of the last iteration}. */
    private static double[][] langevinChain(int steps, double a, double b) {
        double[] x = start();
        double[][] z = twinNoise(steps);
        double[] mean = null;
        for (int k = 0; k < steps; k++) {
            mean = new double[x.length];
            double[] next = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                mean[i] = x[i] + a * score(x[i], T);
                next[i] = mean[i] + b * z[k][i];
            }
            x = next;
        }
        return new double[][] {x, mean};
    }

    @Test
    void langevinUsesTheExpectedNormStep() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            double snr = 0.3;
            double sigma = sde.marginal(T).std();
            double eps = 2 * (snr * sigma) * (snr * sigma);
            double[][] want = langevinChain(3, eps, Math.sqrt(2 * eps));
            Corrector c = new LangevinCorrector(snr, 3);
            check(sde, (x, s, sc, noise) -> c.correct(x, T, s, sc, Conditioning.NONE, noise), want[0], want[1]);
        }
    }

    @Test
    void annealedLangevinScalesTheStepWithTheNoiseLevel() {
        for (Sde sde : new Sde[] {TestSdes.vp(), TestSdes.ve()}) {
            double stepSize = 3e-5;
            double ratio = sde.marginal(T).std() / sde.marginal(sde.t0()).std();
            double alpha = stepSize * ratio * ratio;
            double[][] want = langevinChain(2, alpha / 2, Math.sqrt(alpha));
            Corrector c = new AnnealedLangevinCorrector(stepSize, 2);
            check(sde, (x, s, sc, noise) -> c.correct(x, T, s, sc, Conditioning.NONE, noise), want[0], want[1]);
        }
    }
}
