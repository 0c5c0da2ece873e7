package org.score4j.runner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.api.testing.FreedMemory;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierArchitecture;
import org.score4j.model.nn.MlpModelFactory;
import org.score4j.model.nn.UNetModelFactory;
import org.score4j.sde.VpSde;

/**
 * One training step's parameter gradients, of the score models' loss ({@link Trainer#batchLoss}: the network in
 * training mode with its attention and skip scalings and dropout, the per-row parameterization, both losses) and
 * of the classifiers' ({@link ClassifierTrainer#crossEntropy}), are the same bits when garbage collections free
 * and reuse the memory of closed arrays between the forward and the backward pass ({@link FreedMemory#churn}).
 */
class TrainingGradientAfterGcTest {
    private static final int B = 4;
    private static final Sde VP = VpSde.defaults();

    private static float[] gaussian(int n, SplittableRandom r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Every parameter's gradient, in the network's order. */
    private static List<float[]> gradients(Block network) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : network.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (a.hasGradient()) {
                out.add(a.getGradient().toFloatArray());
            }
        }
        return out;
    }

    /**
     * The parameter gradients of {@code loss} recorded in a step's manager on a new network from {@code network}
     * (so that no gradient of an earlier run accumulates), with or without the churn before the backward pass.
     */
    private static <N extends AutoCloseable> List<float[]> stepGradients(Supplier<N> network,
            Function<N, Block> block, BiFunction<N, NDManager, NDArray> loss, boolean churn) {
        try (N net = network.get(); NDManager step = NDManager.newBaseManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(net, step);
                if (churn) {
                    FreedMemory.churn(step);
                }
                gc.backward(l);
            }
            return gradients(block.apply(net));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <N extends AutoCloseable> void compare(SoftAssertions softly, String what, Supplier<N> network,
            Function<N, Block> block, BiFunction<N, NDManager, NDArray> loss) {
        List<float[]> quiet = stepGradients(network, block, loss, false);
        List<float[]> churned = stepGradients(network, block, loss, true);
        softly.assertThat(quiet).as("%s: parameters with gradients", what).isNotEmpty();
        double sum = 0;
        boolean finite = true;
        int differing = 0;
        String first = "";
        for (int i = 0; i < quiet.size(); i++) {
            for (float v : quiet.get(i)) {
                finite &= Float.isFinite(v);
                sum += Math.abs(v);
            }
            String d = FreedMemory.difference(quiet.get(i), churned.get(i));
            if (!d.isEmpty()) {
                first = differing++ == 0 ? "parameter " + i + ": " + d : first;
            }
        }
        softly.assertThat(finite).as("%s: finite gradients", what).isTrue();
        softly.assertThat(sum).as("%s: gradients that are not zero", what).isGreaterThan(1e-3);
        softly.assertThat(differing == 0 ? "" : differing + " of " + quiet.size() + " parameters' gradients differ, "
                + "the first " + first).as("%s: the gradients after garbage collections", what).isEmpty();
    }

    /** A batch as a training step makes it (seeded), and its loss by {@link Trainer#batchLoss}. */
    private static NDArray scoreLoss(TrainableScoreModel model, ScoreMatchingLoss loss, NDManager step) {
        SplittableRandom r = new SplittableRandom(17);
        Shape sample = model.sampleShape();
        Shape batch = new Shape(B).addAll(sample);
        long[] rows = new long[sample.dimension() + 1];
        java.util.Arrays.fill(rows, 1);
        rows[0] = B;
        Shape rowShape = new Shape(rows);
        float[] tf = new float[B];
        float[] mf = new float[B];
        float[] sf = new float[B];
        int[] labels = new int[B];
        for (int i = 0; i < B; i++) {
            double t = VP.t0() + (VP.tEnd() - VP.t0()) * r.nextDouble();
            Marginal mg = VP.marginal(t);
            tf[i] = (float) t;
            mf[i] = (float) mg.mean();
            sf[i] = (float) mg.std();
            labels[i] = model.numClasses() == 0 ? 0 : r.nextInt(model.numClasses() + 1);
        }
        NDArray x0 = step.create(gaussian(Math.toIntExact(batch.size()), r), batch);
        NDArray z = step.create(gaussian(Math.toIntExact(batch.size()), r), batch);
        NDArray tA = step.create(tf);
        NDArray mA = step.create(mf);
        NDArray sA = step.create(sf);
        NDArray sRows = sA.reshape(rowShape);
        NDArray xt = x0.mul(mA.reshape(rowShape)).addi(z.mul(sRows));
        NDList inputs = model.numClasses() == 0 ? new NDList(xt, tA) : new NDList(xt, tA, step.create(labels));
        return Trainer.batchLoss(model, loss, step, inputs, mA, sA, z, sRows);
    }

    /**
     * Seeded N(0, 0.3²) parameters: a new network's zero-initialized output layers would stop every gradient
     * before the layers under test.
     */
    private static void randomize(Block network, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : network.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.3 * r.nextGaussian());
            }
            a.set(v);
        }
    }

    private static void checkScoreModel(SoftAssertions softly, ModelFactory f, Map<String, String> config) {
        Supplier<TrainableScoreModel> model = () -> {
            TrainableScoreModel m = (TrainableScoreModel) f.create(PluginConfig.of("model", f, config));
            randomize(m.network(), 5);
            return m;
        };
        for (ScoreMatchingLoss loss : ScoreMatchingLoss.values()) {
            compare(softly, config + ", loss " + loss.word(), model, TrainableScoreModel::network,
                    (m, step) -> scoreLoss(m, loss, step));
        }
    }

    @Test
    void unetTrainingGradientsDoNotDependOnFreedMemory() {
        UNetModelFactory f = new UNetModelFactory();
        Map<String, String> c = new HashMap<>(Map.of("channels", "1,8,8", "base_channels", "8", "channel_mult", "1,2",
                "attention_resolutions", "4", "groups", "4", "embedding_dim", "16", "dropout", "0.2"));
        SoftAssertions softly = new SoftAssertions();
        checkScoreModel(softly, f, c);
        c.put("parameterization", "x0");
        c.put("embedding", "sinusoidal");
        c.put("num_classes", "2");
        checkScoreModel(softly, f, c);
        softly.assertAll();
    }

    @Test
    void mlpTrainingGradientsDoNotDependOnFreedMemory() {
        SoftAssertions softly = new SoftAssertions();
        checkScoreModel(softly, new MlpModelFactory(), Map.of("dim", "3", "width", "16", "depth", "2",
                "parameterization", "score", "num_classes", "2"));
        softly.assertAll();
    }

    @Test
    void classifierTrainingGradientsDoNotDependOnFreedMemory() {
        SoftAssertions softly = new SoftAssertions();
        for (Shape sample : new Shape[] {new Shape(3), new Shape(1, 4, 4)}) {
            Supplier<Classifier> classifier = () -> new Classifier(ClassifierArchitecture.standard(sample, 3, true));
            compare(softly, "classifier of " + sample, classifier, Classifier::network, (c, step) -> {
                SplittableRandom r = new SplittableRandom(3);
                Shape batch = new Shape(B).addAll(sample);
                NDArray x = step.create(gaussian(Math.toIntExact(batch.size()), r), batch);
                NDArray t = step.create(new float[] {0.1f, 0.4f, 0.7f, 1f});
                float[] oneHot = new float[B * 3];
                for (int i = 0; i < B; i++) {
                    oneHot[i * 3 + r.nextInt(3)] = 1;
                }
                NDArray mask = step.create(oneHot, new Shape(B, 3));
                NDArray logits = c.forward(new ParameterStore(step, false), x, t, true).get(0);
                return ClassifierTrainer.crossEntropy(logits, mask);
            });
        }
        softly.assertAll();
    }
}
