package org.score4j.guidance.inverse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.guidance.StateCorrection;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.inverse.MeasurementOperator;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.plugin.MethodFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginKind;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Step;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VpSde;

/**
 * The two methods against closed forms: the replacement of the projection method, and the DPS score of a
 * Gaussian prior, whose denoiser x̂₀ is affine in x so that the likelihood gradient is known exactly.
 */
class MethodsTest {
    static NDManager nd;
    static final Sde VP = new VpSde(0.1, 20, 1, 1e-3);

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    static Guidance guidance(MethodFactory f, Map<String, String> config, MeasurementOperator op) {
        return f.create(PluginConfig.of(PluginKind.METHOD.word(), f, config)).guidance(op);
    }

    static LinearOperator inpaintHalf(int d, double noise) {
        return (LinearOperator) new InpaintOperator.Factory().create(PluginConfig.of("operator",
                new InpaintOperator.Factory(), Map.of("noise", Double.toString(noise)))).bind(new Shape(d));
    }

    static double[] random(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * r.nextGaussian();
        }
        return v;
    }

    static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    @Test
    void projectionReplacesTheObservedPartByTheNoisedMeasurement() {
        int d = 6;
        int n = 3;
        LinearOperator op = inpaintHalf(d, 0.1);   // observes entries 0, 1, 2
        double t = 0.4;
        Marginal mg = VP.marginal(t);
        double[] x = random(n * d, 1, 1);
        double[] mean = random(n * d, 2, 1);
        double[] y = random(n * 3, 3, 1);
        Conditioning cond = Conditioning.NONE.withMeasurements(floats(y), new Shape(3));
        for (double lambda : new double[] {1, 0.5}) {
            StateCorrection c = (StateCorrection) guidance(new ProjectionMethod.Factory(),
                    Map.of("lambda", Double.toString(lambda)), op);
            try (NDManager m = nd.newSubManager()) {
                NDArray xa = m.create(x, new Shape(n, d));
                NDArray ma = m.create(mean, new Shape(n, d));
                Step out = c.correct(new Step(xa, ma), t, VP, cond, PerSampleNoise.create(7, 0, n));
                // the noise the correction drew: the first draw of the same streams
                double[] z = PerSampleNoise.create(7, 0, n).normal(new Shape(d), DataType.FLOAT64, m).toDoubleArray();
                double[] xo = out.x().toDoubleArray();
                double[] mo = out.mean().toDoubleArray();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        int k = i * d + j;
                        if (j < 3) {
                            double yk = (float) y[i * 3 + j];   // measurements travel as float32
                            double target = mg.mean() * yk + mg.std() * z[k];
                            assertThat(xo[k]).isCloseTo(x[k] + lambda * (target - x[k]), within(1e-12));
                            assertThat(mo[k]).isCloseTo(mean[k] + lambda * (mg.mean() * yk - mean[k]),
                                    within(1e-12));
                        } else {
                            assertThat(xo[k]).as("unobserved entries stay").isEqualTo(x[k]);
                            assertThat(mo[k]).isEqualTo(mean[k]);
                        }
                    }
                }
                assertThat(xa.toDoubleArray()).as("input untouched").containsExactly(x);
                // a deterministic update (x == mean) stays one array
                Step det = c.correct(Step.of(xa), t, VP, cond, PerSampleNoise.create(7, 0, n));
                assertThat(det.mean()).isSameAs(det.x());
            }
        }
    }

    @Test
    void projectionLeavesTheScoreAndNeedsALinearOperatorAndMeasurements() {
        LinearOperator op = inpaintHalf(2, 0);
        Guidance g = guidance(new ProjectionMethod.Factory(), Map.of(), op);
        GmmScoreModel model = new GmmScoreModel(GaussianMixture.defaultMixture());
        ScoreFunction inner = model.scoreFunction(VP);
        assertThat(g.wrap(inner, model, VP)).isSameAs(inner);
        MeasurementOperator squared = new MeasurementOperator() {
            @Override
            public Shape sampleShape() {
                return new Shape(2);
            }

            @Override
            public Shape measurementShape() {
                return new Shape(2);
            }

            @Override
            public double noiseStd() {
                return 0.1;
            }

            @Override
            public NDArray apply(NDArray x) {
                return x.square();
            }
        };
        assertThatThrownBy(() -> guidance(new ProjectionMethod.Factory(), Map.of(), squared))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs a linear operator")
                .hasMessageContaining("use method dps");
        assertThat(guidance(new DpsMethod.Factory(), Map.of(), squared)).isNotNull();
        try (NDManager m = nd.newSubManager()) {
            NDArray x = m.zeros(new Shape(2, 2));
            assertThatThrownBy(() -> ((StateCorrection) g).correct(Step.of(x), 0.5, VP, Conditioning.NONE,
                    PerSampleNoise.create(1, 0, 2))).isInstanceOf(Score4jException.class)
                    .hasMessageContaining("needs the measurement of every row");
            Conditioning wrong = Conditioning.NONE.withMeasurements(new float[] {1, 2, 3}, new Shape(1));
            assertThatThrownBy(() -> ((StateCorrection) g).correct(Step.of(x), 0.5, VP, wrong,
                    PerSampleNoise.create(1, 0, 2))).isInstanceOf(Score4jException.class)
                    .hasMessageContaining("per row of the batch of 2");
        }
        GmmScoreModel other = new GmmScoreModel(new GaussianMixture(new double[] {1}, new double[][] {{0, 0, 0}},
                new double[] {1}));
        assertThatThrownBy(() -> g.wrap(other.scoreFunction(VP), other, VP)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("measures samples of shape (2,)");
    }

    @ParameterizedTest(name = "gamma {0}")
    @ValueSource(doubles = {0, 0.3})
    void dpsOfAGaussianPriorIsItsClosedForm(double gamma) {
        // prior N(μ, s²I): x̂₀(x) = μ + c·(x − mμ) with c = m s²/(m²s² + σ²), so
        // ∇ ‖y − A x̂₀‖² = 2c·Aᵀ(A x̂₀ − y) and the DPS score is s(x) − ζ/(2v)·that, v = σ_y² + γσ²/m²
        int d = 4;
        double[] mu = {0.5, -1, 2, 0};
        double s = 0.7;
        GmmScoreModel model = new GmmScoreModel(new GaussianMixture(new double[] {1}, new double[][] {mu},
                new double[] {s}));
        LinearOperator op = inpaintHalf(d, 0.2);   // observes entries 0 and 1
        double zeta = 0.8;
        Guidance g = guidance(new DpsMethod.Factory(), Map.of("zeta", Double.toString(zeta), "gamma",
                Double.toString(gamma)), op);
        ScoreFunction dps = g.wrap(model.scoreFunction(VP), model, VP);
        int n = 3;
        double[] x = random(n * d, 4, 1.2);
        double[] y = random(n * 2, 5, 1);
        Conditioning cond = Conditioning.NONE.withMeasurements(floats(y), new Shape(2));
        double[] times = {0.05, 0.3, 0.8};
        try (NDManager m = nd.newSubManager()) {
            NDArray xa = m.create(x, new Shape(n, d));
            NDArray perRow = dps.score(xa, m.create(times), cond);
            double[] got = perRow.toDoubleArray();
            for (int i = 0; i < n; i++) {
                Marginal mg = VP.marginal(times[i]);
                double mt = mg.mean();
                double v = mt * mt * s * s + mg.variance();
                double c = mt * s * s / v;
                double[] yf = {(float) y[i * 2], (float) y[i * 2 + 1]};
                for (int j = 0; j < d; j++) {
                    double xj = x[i * d + j];
                    double prior = -(xj - mt * mu[j]) / v;
                    double like = 0;
                    if (j < 2) {
                        double x0 = mu[j] + c * (xj - mt * mu[j]);
                        double vy = 0.2 * 0.2 + gamma * mg.variance() / (mt * mt);   // inpainting: g = 1
                        like = -zeta / (2 * vy) * 2 * c * (x0 - yf[j]);
                    }
                    assertThat(got[i * d + j]).as("row %d, entry %d", i, j).isCloseTo(prior + like,
                            within(1e-9 * (1 + Math.abs(prior + like))));
                }
            }
            // the shared-time path agrees with the per-row one
            NDArray shared = dps.score(xa, 0.3, cond);
            NDArray rows = dps.score(xa, m.create(new double[] {0.3, 0.3, 0.3}), cond);
            assertThat(shared.toDoubleArray()).containsExactly(rows.toDoubleArray());
            assertThat(xa.toDoubleArray()).as("input untouched").containsExactly(x);
            assertThat(xa.hasGradient()).isFalse();
        }
        // ζ = 0 is the prior score
        ScoreFunction none = guidance(new DpsMethod.Factory(), Map.of("zeta", "0"), op).wrap(model.scoreFunction(VP),
                model, VP);
        try (NDManager m = nd.newSubManager()) {
            NDArray xa = m.create(x, new Shape(n, d));
            assertThat(none.score(xa, 0.3, cond).toDoubleArray())
                    .containsExactly(model.scoreFunction(VP).score(xa, 0.3, cond).toDoubleArray());
        }
    }

    /**
     * The likelihood gradient cannot be nested in another recording, and a score autograd cannot differentiate
     * is a one-line error; both leave gradients usable afterwards.
     */
    @Test
    void dpsRefusesANestedGradientAndAScoreAutogradCannotFollow() {
        GmmScoreModel model = new GmmScoreModel(new GaussianMixture(new double[] {1}, new double[][] {{0, 0}},
                new double[] {1}));
        Guidance g = guidance(new DpsMethod.Factory(), Map.of(), inpaintHalf(2, 0.5));
        ScoreFunction dps = g.wrap(model.scoreFunction(VP), model, VP);
        // autograd cannot record an in-place operation on the input it differentiates
        ScoreFunction opaque = (x, t, c) -> x.muli(-1);
        ScoreFunction cut = g.wrap(opaque, model, VP);
        Conditioning cond = Conditioning.NONE.withMeasurements(new float[] {0.3f}, new Shape(1));
        try (NDManager m = nd.newSubManager()) {
            NDArray x = m.create(new double[] {0.2, -0.4}, new Shape(1, 2));
            try (var outer = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                assertThatThrownBy(() -> dps.score(x, 0.5, cond)).isInstanceOf(Score4jException.class)
                        .hasMessageContaining("method dps takes a gradient through the model while another gradient "
                                + "is being recorded");
            }
            assertThatThrownBy(() -> cut.score(x, 0.5, cond)).isInstanceOf(Score4jException.class)
                    .hasMessageContaining("method dps needs a model score computed with NDArray operations")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(dps.score(x, 0.5, cond).getShape()).isEqualTo(x.getShape());
        }
    }

    @Test
    void theSpreadOfTheMeasurementIsScaledByTheLargestOrTheMeanEigenvalueOfAAt() {
        // A·Aᵀ = c·I: both gains are c — 1 for inpainting, 1/k² for k×k average pooling, Σ w² for colorize
        LinearOperator pool = (LinearOperator) new SuperResolutionOperator.Factory().create(PluginConfig.of("operator",
                new SuperResolutionOperator.Factory(), Map.of("factor", "2", "noise", "0.1"))).bind(new Shape(1, 4, 4));
        LinearOperator gray = (LinearOperator) new ColorizeOperator.Factory().create(PluginConfig.of("operator",
                new ColorizeOperator.Factory(), Map.of("noise", "0.1"))).bind(new Shape(3, 2, 2));
        for (String gain : List.of(DpsMethod.MAX, DpsMethod.MEAN)) {
            assertThat(DpsMethod.gain(inpaintHalf(6, 0.1), gain)).isCloseTo(1, within(1e-9));
            assertThat(DpsMethod.gain(pool, gain)).isCloseTo(0.25, within(1e-9));
            assertThat(DpsMethod.gain(gray, gain)).isCloseTo(0.299 * 0.299 + 0.587 * 0.587 + 0.114 * 0.114,
                    within(1e-9));
        }
        // otherwise max is the largest squared singular value (SVD of the dense matrix), mean ‖A‖_F²/M below it
        LinearOperator blur = (LinearOperator) new DeblurOperator.Factory().create(PluginConfig.of("operator",
                new DeblurOperator.Factory(), Map.of("size", "5", "sigma", "1.5", "noise", "0.1")))
                .bind(new Shape(2, 6, 5));
        LinearOperator tomo = (LinearOperator) new TomographyOperator.Factory().create(PluginConfig.of("operator",
                new TomographyOperator.Factory(), Map.of("angles", "5", "noise", "0.1"))).bind(new Shape(1, 7, 7));
        for (LinearOperator op : List.of(blur, tomo)) {
            double[][] a = LinearOperators.matrix(op);
            double top = new org.apache.commons.math3.linear.SingularValueDecomposition(
                    org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(a)).getSingularValues()[0];
            double frob = 0;
            for (double[] row : a) {
                for (double v : row) {
                    frob += v * v;
                }
            }
            assertThat(DpsMethod.gain(op, DpsMethod.MAX)).isCloseTo(top * top, within(1e-5 * top * top));
            assertThat(DpsMethod.gain(op, DpsMethod.MEAN)).isCloseTo(frob / a.length, within(1e-9 * frob));
            assertThat(DpsMethod.gain(op, DpsMethod.MEAN)).isLessThan(0.9 * top * top);
            assertThat(DpsMethod.gain(op, DpsMethod.MAX)).isEqualTo(DpsMethod.gain(op, DpsMethod.MAX));
        }
        assertThatThrownBy(() -> PluginConfig.of("method", new DpsMethod.Factory(), Map.of("gain", "min")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("method.gain");
        assertThatThrownBy(() -> new DpsMethod(1, 0.1, 0, "min")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("method.gain");
    }

    @Test
    void clippedDenoisedValuesGiveNoGradient() {
        // prior N(μ, s²I) with μ = (3, 3, 0.2, 0.2) far outside [−1, 1] in the observed entries: at t = 0.01,
        // x̂₀ ≈ x there, clipped to 1, so the term vanishes and the DPS score is the prior's; unclipped it is not
        GmmScoreModel model = new GmmScoreModel(new GaussianMixture(new double[] {1},
                new double[][] {{3, 3, 0.2, 0.2}}, new double[] {0.3}));
        LinearOperator op = inpaintHalf(4, 0.2);
        Conditioning cond = Conditioning.NONE.withMeasurements(new float[] {0.5f, -0.5f}, new Shape(2));
        ScoreFunction prior = model.scoreFunction(VP);
        ScoreFunction clipped = guidance(new DpsMethod.Factory(), Map.of("clip", "1"), op).wrap(prior, model, VP);
        ScoreFunction plain = guidance(new DpsMethod.Factory(), Map.of(), op).wrap(prior, model, VP);
        try (NDManager m = nd.newSubManager()) {
            NDArray x = m.create(new double[] {3.1, 2.9, 0.1, 0.3}, new Shape(1, 4));
            double[] p = prior.score(x, 0.01, cond).toDoubleArray();
            assertThat(clipped.score(x, 0.01, cond).toDoubleArray()).containsExactly(p);
            assertThat(plain.score(x, 0.01, cond).toDoubleArray()[0]).isLessThan(p[0] - 1);
        }
        assertThatThrownBy(() -> PluginConfig.of("method", new DpsMethod.Factory(), Map.of("clip", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("method.clip");
    }

    @Test
    void dpsNeedsMeasurementNoise() {
        assertThatThrownBy(() -> guidance(new DpsMethod.Factory(), Map.of(), inpaintHalf(2, 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("operator.noise > 0");
        assertThatThrownBy(() -> PluginConfig.of("method", new DpsMethod.Factory(), Map.of("zeta", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("method.zeta");
        assertThatThrownBy(() -> PluginConfig.of("method", new DpsMethod.Factory(), Map.of("gamma", "-0.1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("method.gamma");
        assertThatThrownBy(() -> PluginConfig.of("method", new ProjectionMethod.Factory(), Map.of("lambda", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("method.lambda");
    }
}
