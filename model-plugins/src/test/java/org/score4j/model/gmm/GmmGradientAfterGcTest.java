package org.score4j.model.gmm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.testing.FreedMemory;

/**
 * The exact mixture score differentiated as a likelihood's trace does it (the score's constants are closed before
 * the backward pass) gives the same gradient, bit for bit, when garbage collections free and reuse the memory of
 * closed arrays in between ({@link FreedMemory#churn}); so does its log-density.
 */
class GmmGradientAfterGcTest {
    private static final Shape BATCH = new Shape(4, 3);

    /** The bits of ∇ₓ Σ w⊙f(x) at the float64 batch of seed 5, with or without the churn before backward. */
    private static double[] gradient(DataType type, Function<NDArray, NDArray> f, boolean churn) {
        SplittableRandom r = new SplittableRandom(5);
        double[] xs = new double[Math.toIntExact(BATCH.size())];
        double[] ws = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = 2 * r.nextGaussian();
            ws[i] = r.nextGaussian();
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(xs, BATCH).toType(type, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                NDArray out = f.apply(x);
                NDArray w = nd.create(Arrays.copyOf(ws, Math.toIntExact(out.size())), out.getShape())
                        .toType(type, false);
                NDArray y = out.mul(w).sum();
                if (churn) {
                    FreedMemory.churn(nd);
                }
                gc.backward(y);
            }
            return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    private static void check(SoftAssertions softly, String what, DataType type, Function<NDArray, NDArray> f) {
        double[] quiet = gradient(type, f, false);
        softly.assertThat(Arrays.stream(quiet).allMatch(Double::isFinite)).as("%s: a finite gradient", what).isTrue();
        softly.assertThat(Arrays.stream(quiet).map(Math::abs).sum()).as("%s: a gradient that is not zero", what)
                .isGreaterThan(1e-3);
        softly.assertThat(FreedMemory.difference(quiet, gradient(type, f, true)))
                .as("%s: the gradient after garbage collections", what).isEmpty();
    }

    @Test
    void scoreAndLogDensityGradientsDoNotDependOnFreedMemory() {
        GmmScoreModel model = new GmmScoreModel(GmmScoreModelTest.randomMixture(3, 3, 7));
        ScoreFunction s = model.scoreFunction(TestSdes.VP);
        SoftAssertions softly = new SoftAssertions();
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            check(softly, "shared time " + type, type, x -> s.score(x, 0.3, Conditioning.NONE));
            check(softly, "shared time, class 1 " + type, type, x -> s.score(x, 0.3, Conditioning.ofClass(1)));
            check(softly, "per-row times and classes " + type, type,
                    x -> s.score(x, x.getManager().create(new double[] {0.1, 0.3, 0.6, 0.9}),
                            Conditioning.ofClasses(new int[] {0, 2, 1, -1})));
            check(softly, "log-density " + type, type, x -> model.logDensity(x, 0.3, TestSdes.VP));
        }
        softly.assertAll();
    }
}
