package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.sde.VpSde;

/**
 * Autograd through a network's score from float64 states, as a likelihood's trace and DPS take it: the input
 * is made in {@link ScoreFunction#gradientType()}, and vᵀ(∂s/∂x)v matches central differences of the score.
 */
class NetworkScoreGradientTest {
    private static ScoreModel create(ModelFactory f, Map<String, String> config) {
        return f.create(PluginConfig.of("model", f, config));
    }

    private static double[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /** vᵀJv per row by autograd, with the differentiated input of the score's gradient type. */
    private static double[] autogradForms(ScoreFunction s, NDManager nd, double[] x, double[] v, Shape batch, double t) {
        int n = Math.toIntExact(batch.get(0));
        DataType type = s.gradientType() == null ? DataType.FLOAT64 : s.gradientType();
        NDArray xin = nd.create(x, batch).toType(type, false);
        NDArray w = nd.create(v, batch).toType(type, false);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            xin.setRequiresGradient(true);
            NDArray out = s.score(xin, t, Conditioning.NONE);
            assertThat(out.getDataType()).isEqualTo(type);
            gc.backward(out.mul(w).sum());
        }
        double[] g = xin.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        double[] forms = new double[n];
        int d = v.length / n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                forms[i] += g[i * d + j] * v[i * d + j];
            }
        }
        return forms;
    }

    /** vᵀ(s(x + hv) − s(x − hv))/(2h) per row, from float64 states. */
    private static double[] centralForms(ScoreFunction s, NDManager nd, double[] x, double[] v, Shape batch, double t,
            double h) {
        int n = Math.toIntExact(batch.get(0));
        double[] plus = new double[x.length];
        double[] minus = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            plus[i] = x[i] + h * v[i];
            minus[i] = x[i] - h * v[i];
        }
        NDArray sp = s.score(nd.create(plus, batch), t, Conditioning.NONE);
        NDArray sm = s.score(nd.create(minus, batch), t, Conditioning.NONE);
        assertThat(sp.getDataType()).as("a float64 state gets a float64 score").isEqualTo(DataType.FLOAT64);
        double[] a = sp.toDoubleArray();
        double[] b = sm.toDoubleArray();
        double[] forms = new double[n];
        int d = v.length / n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                forms[i] += (a[i * d + j] - b[i * d + j]) / (2 * h) * v[i * d + j];
            }
        }
        return forms;
    }

    private static void check(ScoreModel model, Shape sample, long seed) {
        UNetScoreModelTest.randomize((TrainableScoreModel) model, seed);
        ((TrainableScoreModel) model).network().freezeParameters(true);
        ScoreFunction s = model.scoreFunction(VpSde.defaults());
        assertThat(s.gradientType()).isEqualTo(DataType.FLOAT32);
        int n = 3;
        Shape batch = new Shape(n).addAll(sample);
        int size = Math.toIntExact(batch.size());
        double[] x = gaussian(size, seed + 1);
        double[] v = gaussian(size, seed + 2);
        try (NDManager nd = NDManager.newBaseManager()) {
            double[] auto = autogradForms(s, nd, x, v, batch, 0.4);
            double[] fd = centralForms(s, nd, x, v, batch, 0.4, 1e-2);
            for (int i = 0; i < n; i++) {
                assertThat(Math.abs(auto[i])).as("row %d: a form that is not zero", i).isGreaterThan(1e-3);
                assertThat(auto[i]).as("row %d: autograd %s vs central differences %s", i, auto[i], fd[i])
                        .isCloseTo(fd[i], org.assertj.core.data.Offset.offset(0.02 * Math.abs(fd[i]) + 1e-3));
            }
        }
    }

    @Test
    void theUNetScoreIsDifferentiatedFromFloat64States() {
        UNetModelFactory f = new UNetModelFactory();
        Map<String, String> c = new HashMap<>(Map.of("channels", "1,8,8", "base_channels", "8", "channel_mult", "1,2",
                "attention_resolutions", "4", "groups", "4", "embedding_dim", "16"));
        try (ScoreModel m = create(f, c)) {
            check(m, new Shape(1, 8, 8), 5);
        }
    }

    @Test
    void theMlpScoreIsDifferentiatedFromFloat64States() {
        MlpModelFactory f = new MlpModelFactory();
        try (ScoreModel m = create(f, Map.of("dim", "5", "width", "32", "depth", "2"))) {
            check(m, new Shape(5), 9);
        }
    }
}
