package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;

class ClassifierTest {
    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    private static float[] randomValues(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static byte[] save(Classifier c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.saveParameters(out);
        return out.toByteArray();
    }

    @Test
    void standardArchitectures() {
        ClassifierArchitecture img = ClassifierArchitecture.standard(new Shape(1, 28, 28), 10, false);
        assertThat(img.body()).isEqualTo("cnn");
        assertThat(img.hidden()).isEqualTo(128);
        assertThat(ClassifierArchitecture.fromMap(img.toMap())).isEqualTo(img);
        ClassifierArchitecture vec = ClassifierArchitecture.standard(new Shape(2), 2, true);
        assertThat(vec.body()).isEqualTo("mlp");
        assertThat(ClassifierArchitecture.fromMap(vec.toMap())).isEqualTo(vec);
        assertThatThrownBy(() -> ClassifierArchitecture.standard(new Shape(1, 2, 2), 3, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be classified");
        assertThatThrownBy(() -> ClassifierArchitecture.standard(new Shape(1, 8, 8), 1, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 2 classes");
    }

    @Test
    void outputsLogitsAndFeaturesAndTheSameSeedGivesTheSameBits() throws IOException {
        ClassifierArchitecture arch = ClassifierArchitecture.standard(new Shape(3, 9, 10), 4, true);
        try (Classifier a = new Classifier(arch); Classifier b = new Classifier(arch);
                NDManager sub = nd.newSubManager()) {
            a.initializeParameters(7);
            b.initializeParameters(7);
            assertThat(save(a)).isEqualTo(save(b));
            b.initializeParameters(8);
            assertThat(save(a)).isNotEqualTo(save(b));
            NDArray x = sub.create(randomValues(5 * 3 * 9 * 10, 1), new Shape(5, 3, 9, 10));
            NDArray t = sub.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f});
            NDList out = a.forward(x, t);
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(5, 4));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(5, 128));
            // (3·9 + 1)·32 + 32 + (32·9 + 1)·64 + 64·2·2·128 + 128 + 32·32 + 32 + 128·4 + 4
            assertThat(a.parameterCount()).isEqualTo(28L * 32 + 289L * 64 + 256L * 128 + 128 + 33L * 32 + 129L * 4);
            assertThatThrownBy(() -> a.forward(x, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.forward(sub.zeros(new Shape(2, 3, 8, 8)), t))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void parametersRoundTripAndForeignParametersAreRefused() throws IOException {
        ClassifierArchitecture arch = ClassifierArchitecture.standard(new Shape(1, 8, 8), 3, false);
        try (Classifier a = new Classifier(arch); Classifier b = new Classifier(arch);
                Classifier other = new Classifier(ClassifierArchitecture.standard(new Shape(1, 8, 8), 4, false));
                NDManager sub = nd.newSubManager()) {
            a.initializeParameters(3);
            b.loadParameters(new ByteArrayInputStream(save(a)));
            NDArray x = sub.create(randomValues(2 * 64, 2), new Shape(2, 1, 8, 8));
            assertThat(b.forward(x, null).get(0).toFloatArray()).containsExactly(a.forward(x, null).get(0).toFloatArray());
            byte[] before = save(other);
            assertThatThrownBy(() -> other.loadParameters(new ByteArrayInputStream(save(a))))
                    .isInstanceOf(IOException.class).hasMessageContaining("another network");
            byte[] longer = java.util.Arrays.copyOf(save(a), save(a).length + 2);
            assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(longer)))
                    .isInstanceOf(IOException.class).hasMessageContaining("2 bytes are left");
            assertThat(save(other)).isEqualTo(before);
            assertThat(save(b)).isEqualTo(save(a));
        }
    }

    /** log p(label | x, t) of each row, in double. */
    private static double[] logProb(Classifier c, NDArray x, double t, int label) {
        int n = Math.toIntExact(x.getShape().get(0));
        float[] tf = new float[n];
        java.util.Arrays.fill(tf, (float) t);
        NDArray tt = c.architecture().timeConditioned() ? x.getManager().create(tf) : null;
        float[] lp = c.forward(x, tt).get(0).toType(DataType.FLOAT64, false).logSoftmax(1).toType(DataType.FLOAT32,
                false).toFloatArray();
        int k = c.architecture().classes();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = lp[i * k + label];
        }
        return out;
    }

    /**
     * The autograd gradient of log p(c | x, t) against central finite differences: every coordinate of a few
     * points, all perturbed copies evaluated in one batch. Max-pooling makes the function piecewise smooth: a
     * coordinate whose forward and backward differences disagree sits at a kink (two pooled values within h)
     * and is skipped; there must be few of them, and every other coordinate must match.
     */
    private static void checkGradient(ClassifierArchitecture arch, double t, int label) {
        int d = Math.toIntExact(arch.sampleShape().size());
        int points = 3;
        double h = 1e-3;
        try (Classifier c = new Classifier(arch); NDManager sub = nd.newSubManager()) {
            c.initializeParameters(11);
            c.freeze(true);
            // sharpen the untrained network (logits ×50) so that differences of log p stand well above float32
            // rounding
            for (var p : c.network().getParameters()) {
                if (p.getKey().contains("output")) {
                    p.getValue().getArray().muli(50);
                }
            }
            float[] base = randomValues(points * d, 5);
            Shape batch = new Shape(points).addAll(arch.sampleShape());
            NDArray x = sub.create(base, batch).toType(DataType.FLOAT64, false);
            NDArray g = c.gradLogProbability(x, new double[] {t}, label);
            assertThat(g.getShape()).isEqualTo(batch);
            assertThat(g.getDataType()).isEqualTo(DataType.FLOAT64);
            double[] grad = g.toDoubleArray();
            float[] plus = new float[points * d * d];
            float[] minus = new float[points * d * d];
            for (int p = 0; p < points; p++) {
                for (int j = 0; j < d; j++) {
                    int row = p * d + j;
                    System.arraycopy(base, p * d, plus, row * d, d);
                    System.arraycopy(base, p * d, minus, row * d, d);
                    plus[row * d + j] += (float) h;
                    minus[row * d + j] -= (float) h;
                }
            }
            Shape many = new Shape((long) points * d).addAll(arch.sampleShape());
            double[] lp = logProb(c, sub.create(plus, many), t, label);
            double[] lm = logProb(c, sub.create(minus, many), t, label);
            double[] l0 = logProb(c, sub.create(base, batch), t, label);
            double rms = 0;
            for (double v : grad) {
                rms += v * v;
            }
            rms = Math.sqrt(rms / grad.length);
            assertThat(rms).isPositive();
            int kinks = 0;
            double worst = 0;
            for (int i = 0; i < grad.length; i++) {
                double forward = (lp[i] - l0[i / d]) / h;
                double backward = (l0[i / d] - lm[i]) / h;
                if (Math.abs(forward - backward) > 0.01 * rms) {
                    kinks++;
                    continue;
                }
                worst = Math.max(worst, Math.abs((forward + backward) / 2 - grad[i]));
            }
            assertThat(kinks).as(arch.describe() + ": coordinates at a kink").isLessThanOrEqualTo(grad.length / 5);
            assertThat(worst / rms).as(arch.describe()).isLessThan(0.01);
        }
    }

    @Test
    void gradientOfTheLogProbabilityMatchesFiniteDifferences() {
        checkGradient(ClassifierArchitecture.standard(new Shape(5), 3, true), 0.3, 1);
        checkGradient(ClassifierArchitecture.standard(new Shape(1, 6, 6), 2, true), 0.7, 0);
        checkGradient(ClassifierArchitecture.standard(new Shape(2, 4, 5), 3, false), 0, 2);
    }

    @Test
    void perRowTimesGiveEachRowItsOwnGradient() {
        ClassifierArchitecture arch = ClassifierArchitecture.standard(new Shape(4), 2, true);
        try (Classifier c = new Classifier(arch); NDManager sub = nd.newSubManager()) {
            c.initializeParameters(2);
            c.freeze(true);
            float[] v = randomValues(8, 9);
            NDArray x = sub.create(v, new Shape(2, 4));
            float[] both = c.gradLogProbability(x, new double[] {0.2, 0.9}, 1).toFloatArray();
            float[] first = c.gradLogProbability(x.get("0:1"), new double[] {0.2}, 1).toFloatArray();
            float[] second = c.gradLogProbability(x.get("1:2"), new double[] {0.9}, 1).toFloatArray();
            for (int j = 0; j < 4; j++) {
                assertThat(both[j]).isCloseTo(first[j], org.assertj.core.data.Offset.offset(1e-6f));
                assertThat(both[4 + j]).isCloseTo(second[j], org.assertj.core.data.Offset.offset(1e-6f));
            }
            assertThatThrownBy(() -> c.gradLogProbability(x, new double[] {0.2}, 2))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The gradient cannot be nested in another recording (a likelihood differentiating the guided score). */
    @Test
    void aGradientNestedInAnotherRecordingIsRefused() {
        ClassifierArchitecture arch = ClassifierArchitecture.standard(new Shape(4), 2, true);
        try (Classifier c = new Classifier(arch); NDManager sub = nd.newSubManager()) {
            c.freeze(true);
            NDArray x = sub.create(randomValues(8, 3), new Shape(2, 4));
            try (var outer = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                assertThatThrownBy(() -> c.gradLogProbability(x, new double[] {0.5}, 1))
                        .isInstanceOf(org.score4j.api.Score4jException.class)
                        .hasMessageContaining("a trained classifier's gradient cannot be taken while another gradient "
                                + "is being recorded");
            }
            assertThat(c.gradLogProbability(x, new double[] {0.5}, 1).getShape()).isEqualTo(x.getShape());
        }
    }
}
