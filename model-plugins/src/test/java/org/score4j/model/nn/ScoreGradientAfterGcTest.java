package org.score4j.model.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.testing.FreedMemory;
import org.score4j.sde.VpSde;

/**
 * A gradient through a network's score (as a likelihood's trace and {@code dps} take it: the score evaluation
 * closes its sub-manager before the backward pass) is the same, bit for bit, when garbage collections free and
 * reuse the memory of closed arrays between the forward and the backward pass ({@link FreedMemory#churn}): the
 * parameterization's scalars, the attention and skip scalings, the times, labels and per-row marginals are all
 * in engine-owned memory.
 */
class ScoreGradientAfterGcTest {
    private static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * The bits of ∇ₓ Σ w⊙s(x, t) for the float32 batch of {@code seed}, times {@code t} (one shared, or one per
     * row), with or without the churn between the forward and the backward pass.
     */
    private static float[] gradient(ScoreFunction s, Shape batch, double[] t, Conditioning cond, long seed,
            boolean churn) {
        int size = Math.toIntExact(batch.size());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(gaussian(size, seed), batch);
            NDArray w = nd.create(gaussian(size, seed + 1), batch);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                x.setRequiresGradient(true);
                NDArray out = t.length == 1 ? s.score(x, t[0], cond) : s.score(x, nd.create(t), cond);
                NDArray y = out.mul(w).sum();
                if (churn) {
                    FreedMemory.churn(nd);
                }
                gc.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    private static void check(SoftAssertions softly, ModelFactory f, Map<String, String> config, Shape sample,
            Conditioning cond) {
        try (TrainableScoreModel m = (TrainableScoreModel) f.create(PluginConfig.of("model", f, config))) {
            UNetScoreModelTest.randomize(m, 3);
            ScoreFunction s = m.scoreFunction(VpSde.defaults());
            Shape batch = new Shape(3).addAll(sample);
            for (double[] t : new double[][] {{0.4}, {0.2, 0.5, 0.9}}) {
                float[] quiet = gradient(s, batch, t, cond, 11, false);
                float[] churned = gradient(s, batch, t, cond, 11, true);
                String what = config + " at t = " + Arrays.toString(t) + ", " + cond;
                double sum = 0;
                boolean finite = true;
                for (float v : quiet) {
                    finite &= Float.isFinite(v);
                    sum += Math.abs(v);
                }
                softly.assertThat(finite).as("%s: a finite gradient", what).isTrue();
                softly.assertThat(sum).as("%s: a gradient that is not zero", what).isGreaterThan(1e-3);
                softly.assertThat(FreedMemory.difference(quiet, churned))
                        .as("%s: the gradient after garbage collections", what).isEmpty();
            }
        }
    }

    @Test
    void mlpScoreGradientsDoNotDependOnFreedMemory() {
        MlpModelFactory f = new MlpModelFactory();
        SoftAssertions softly = new SoftAssertions();
        for (String p : new String[] {"epsilon", "score", "x0"}) {
            check(softly, f, Map.of("dim", "5", "width", "16", "depth", "2", "parameterization", p), new Shape(5),
                    Conditioning.NONE);
        }
        check(softly, f, Map.of("dim", "5", "width", "16", "depth", "2", "embedding", "sinusoidal", "num_classes", "3"),
                new Shape(5), Conditioning.ofClasses(new int[] {2, 0, 1}));
        softly.assertAll();
    }

    @Test
    void unetScoreGradientsDoNotDependOnFreedMemory() {
        UNetModelFactory f = new UNetModelFactory();
        Map<String, String> c = new HashMap<>(Map.of("channels", "1,8,8", "base_channels", "8", "channel_mult", "1,2",
                "attention_resolutions", "4", "groups", "4", "embedding_dim", "16"));
        SoftAssertions softly = new SoftAssertions();
        check(softly, f, c, new Shape(1, 8, 8), Conditioning.NONE);
        c.put("parameterization", "x0");
        c.put("embedding", "sinusoidal");
        c.put("num_classes", "2");
        check(softly, f, c, new Shape(1, 8, 8), Conditioning.ofClasses(new int[] {1, 0, -1}));
        softly.assertAll();
    }
}
