package org.score4j.guidance;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.FreedMemory;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VpSde;

/**
 * Guided scores differentiated as a likelihood's trace does it (the guidance's scalars and per-row weights are
 * closed before the backward pass): after garbage collections have freed and reused the memory of closed arrays
 * ({@link FreedMemory#churn}) the gradient is the same bits as without them.
 */
class GuidanceGradientAfterGcTest {
    private static final Sde VP = VpSde.defaults();

    /** ∇ₓ Σ w⊙s̃(x, t) at a seeded batch of 4, times {@code t} (shared or per row), with or without the churn. */
    private static double[] gradient(ScoreFunction s, double[] t, DataType type, boolean churn) {
        SplittableRandom r = new SplittableRandom(2);
        double[] xs = new double[8];
        double[] ws = new double[8];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = 2 * r.nextGaussian();
            ws[i] = r.nextGaussian();
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(xs, new Shape(4, 2)).toType(type, false);
            NDArray w = nd.create(ws, new Shape(4, 2)).toType(type, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                NDArray out = t.length == 1 ? s.score(x, t[0], Conditioning.NONE)
                        : s.score(x, nd.create(t), Conditioning.NONE);
                NDArray y = out.mul(w).sum();
                if (churn) {
                    FreedMemory.churn(nd);
                }
                gc.backward(y);
            }
            return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    private static void check(SoftAssertions softly, String what, ScoreFunction s) {
        for (DataType type : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
            for (double[] t : new double[][] {{0.4}, {0.05, 0.3, 0.6, 0.9}}) {
                double[] quiet = gradient(s, t, type, false);
                softly.assertThat(Arrays.stream(quiet).allMatch(Double::isFinite)).as("%s: a finite gradient", what)
                        .isTrue();
                softly.assertThat(FreedMemory.difference(quiet, gradient(s, t, type, true)))
                        .as("%s %s at t = %s: the gradient after garbage collections", what, type, Arrays.toString(t))
                        .isEmpty();
            }
        }
    }

    @Test
    void guidedScoreGradientsDoNotDependOnFreedMemory() {
        GmmScoreModel model = new GmmScoreModel(GaussianMixture.defaultMixture());
        ScoreFunction base = model.scoreFunction(VP);
        SoftAssertions softly = new SoftAssertions();
        check(softly, "cfg scale 3", new ClassifierFreeGuidance(3, 1, 0).wrap(base, model, VP));
        check(softly, "cfg scale 3 from t = 0.2", new ClassifierFreeGuidance(3, 1, 0.2).wrap(base, model, VP));
        check(softly, "classifier scale 2", new ClassifierGuidance(2, 0).wrap(base, model, VP));
        softly.assertAll();
    }
}
