package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/** The {@code unet} model: layout, shapes, seeds, saving, bad settings, score conversion, classes, memory. */
class UNetScoreModelTest {
    private static final VpSde VP = VpSde.defaults();
    private static final UNetModelFactory F = new UNetModelFactory();

    /** A tiny U-Net: 1×8×8, base 8, two levels, attention at 4. */
    private static Map<String, String> tiny(String... more) {
        Map<String, String> m = new HashMap<>(Map.of("channels", "1,8,8", "base_channels", "8", "channel_mult", "1,2",
                "attention_resolutions", "4", "groups", "4", "embedding_dim", "16"));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    private static UNetScoreModel model(Map<String, String> config) {
        return (UNetScoreModel) F.create(PluginConfig.of("model", F, config));
    }

    private static byte[] bytes(TrainableScoreModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.saveParameters(out);
        return out.toByteArray();
    }

    /** Overwrites every parameter with seeded N(0, 0.3²) values, so that the zero-initialized layers act too. */
    static void randomize(TrainableScoreModel m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : m.network().getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.3 * r.nextGaussian());
            }
            a.set(v);
        }
    }

    private static NDArray random(NDManager nd, Shape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return nd.create(v, shape);
    }

    private static NDArray forward(TrainableScoreModel m, NDArray x, NDArray t, boolean training) {
        return m.network().forward(new ParameterStore(x.getManager(), false), new NDList(x, t), training)
                .singletonOrThrow();
    }

    @Test
    void defaultsAreTheMnistLayout() {
        try (UNetScoreModel m = model(Map.of())) {
            assertThat(m.sampleShape()).isEqualTo(new Shape(1, 28, 28));
            assertThat(m.numClasses()).isZero();
            assertThat(m.parameterization()).isEqualTo(Parameterization.EPSILON);
            assertThat(m.toString()).isEqualTo("unet(1x28x28, base 32, mult 1,2,2, 1 res block, attention 7, 8 groups, "
                    + "sinusoidal embedding 32, epsilon), untrained");
            UNetArchitecture a = m.architecture();
            assertThat(a.levels()).isEqualTo(3);
            assertThat(a.attends(2)).isTrue();
            assertThat(a.attends(1)).isFalse();
            assertThat(m.parameterCount()).isBetween(500_000L, 2_000_000L);
        }
    }

    @Test
    void outputHasTheInputShapeForGreyRgbAndNonSquareImages() {
        String[][] cases = {{"1,8,8", "1,2"}, {"3,8,8", "1,2"}, {"3,8,12", "1,2"}, {"1,12,4", "2,2,1"}};
        for (String[] c : cases) {
            Map<String, String> config = tiny("channels", c[0], "channel_mult", c[1], "attention_resolutions", "");
            try (UNetScoreModel m = model(config); NDManager nd = NDManager.newBaseManager()) {
                randomize(m, 1);
                Shape batch = new Shape(3).addAll(m.sampleShape());
                NDArray x = random(nd, batch, 2);
                NDArray out = forward(m, x, nd.create(new float[] {0.1f, 0.5f, 0.9f}), false);
                assertThat(out.getShape()).as(c[0]).isEqualTo(batch);
                assertThat(out.abs().max().getFloat()).isGreaterThan(0f);
                NDArray s = m.scoreFunction(VP).score(x, 0.3, Conditioning.NONE);
                assertThat(s.getShape()).isEqualTo(batch);
                assertThat(s.isNaN().any().getBoolean()).isFalse();
            }
        }
        try (UNetScoreModel m = model(tiny("channels", "3,8,16", "attention_resolutions", "8,4"))) {
            assertThat(m.sampleShape()).isEqualTo(new Shape(3, 8, 16));
            assertThat(m.architecture().attends(0)).isTrue();
        }
    }

    /** A new network outputs zeros (its output convolution starts at zero), whatever the seed. */
    @Test
    void aNewNetworkOutputsZerosAndTheNormalizationsStartAsIdentity() {
        try (UNetScoreModel m = model(tiny()); NDManager nd = NDManager.newBaseManager()) {
            m.initializeParameters(3);
            NDArray x = random(nd, new Shape(2, 1, 8, 8), 4);
            float[] out = forward(m, x, nd.create(new float[] {0.2f, 0.7f}), false).toFloatArray();
            assertThat(out).containsOnly(0f);
            for (Pair<String, Parameter> p : m.network().getParameters()) {
                float[] v = p.getValue().getArray().toFloatArray();
                if (p.getKey().endsWith("_gamma")) {
                    assertThat(v).as(p.getKey()).containsOnly(1f);
                } else if (p.getKey().endsWith("_bias") || p.getKey().endsWith("_beta")
                        || p.getKey().contains("output") || p.getKey().contains("conv2") || p.getKey().contains("proj")) {
                    assertThat(v).as(p.getKey()).containsOnly(0f);
                } else {
                    assertThat(v).as(p.getKey()).isNotEqualTo(new float[v.length]);
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBits() throws IOException {
        try (UNetScoreModel a = model(tiny()); UNetScoreModel b = model(tiny());
                NDManager nd = NDManager.newBaseManager()) {
            assertThat(bytes(a)).isEqualTo(bytes(b));
            a.initializeParameters(7);
            b.initializeParameters(7);
            assertThat(bytes(a)).isEqualTo(bytes(b));
            b.initializeParameters(8);
            assertThat(bytes(a)).isNotEqualTo(bytes(b));
            randomize(a, 5);
            randomize(b, 5);
            NDArray x = random(nd, new Shape(4, 1, 8, 8), 6);
            NDArray t = nd.create(new float[] {0.05f, 0.3f, 0.6f, 0.95f});
            assertThat(forward(a, x, t, false).toFloatArray()).isEqualTo(forward(b, x, t, false).toFloatArray());
            assertThat(a.trained()).isFalse();
        }
    }

    /** Rows are independent: a row's output is the same alone as in a batch. */
    @Test
    void rowsDoNotDependOnTheBatch() {
        try (UNetScoreModel m = model(tiny("dropout", "0.3")); NDManager nd = NDManager.newBaseManager()) {
            randomize(m, 9);
            NDArray x = random(nd, new Shape(3, 1, 8, 8), 10);
            NDArray t = nd.create(new float[] {0.2f, 0.5f, 0.8f});
            for (boolean training : new boolean[] {false, true}) {
                float[] all = forward(m, x, t, training).toFloatArray();
                float[] one = forward(m, x.get("1:2"), t.get("1:2"), training).toFloatArray();
                for (int i = 0; i < 64; i++) {
                    assertThat(one[i]).as("training " + training).isCloseTo(all[64 + i], within(1e-5f));
                }
            }
        }
    }

    /** Dropout acts in training only, with masks that depend on the row and not on the engine's generator. */
    @Test
    void dropoutIsSeededByTheRowAndOffInInference() {
        try (UNetScoreModel m = model(tiny("dropout", "0.5")); NDManager nd = NDManager.newBaseManager()) {
            randomize(m, 11);
            NDArray x = random(nd, new Shape(2, 1, 8, 8), 12);
            NDArray t = nd.create(new float[] {0.4f, 0.6f});
            float[] eval = forward(m, x, t, false).toFloatArray();
            Engine.getInstance().setRandomSeed(1);
            float[] a = forward(m, x, t, true).toFloatArray();
            Engine.getInstance().setRandomSeed(2);
            float[] b = forward(m, x, t, true).toFloatArray();
            assertThat(a).isEqualTo(b);
            assertThat(a).isNotEqualTo(eval);
            assertThat(forward(m, x, t, false).toFloatArray()).isEqualTo(eval);
            NDArray shifted = nd.create(new float[] {0.4f, 0.61f});
            assertThat(forward(m, x, shifted, true).toFloatArray()).isNotEqualTo(a);
        }
        try (UNetScoreModel m = model(tiny()); NDManager nd = NDManager.newBaseManager()) {
            randomize(m, 11);
            NDArray x = random(nd, new Shape(2, 1, 8, 8), 12);
            NDArray t = nd.create(new float[] {0.4f, 0.6f});
            assertThat(forward(m, x, t, true).toFloatArray()).isEqualTo(forward(m, x, t, false).toFloatArray());
        }
    }

    @Test
    void saveAndLoadRoundTripsAndParametersOfAnotherLayoutAreRefused() throws IOException {
        try (UNetScoreModel a = model(tiny()); UNetScoreModel b = model(tiny());
                UNetScoreModel wide = model(tiny("base_channels", "16"));
                UNetScoreModel deep = model(tiny("num_res_blocks", "2"));
                UNetScoreModel classes = model(tiny("num_classes", "3"))) {
            a.initializeParameters(3);
            randomize(a, 3);
            byte[] saved = bytes(a);
            b.loadParameters(new ByteArrayInputStream(saved));
            assertThat(b.trained()).isTrue();
            assertThat(bytes(b)).isEqualTo(saved);
            b.initializeParameters(0);
            byte[] before = bytes(b);
            for (UNetScoreModel other : new UNetScoreModel[] {wide, deep, classes}) {
                assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(bytes(other))))
                        .as(other.toString()).isInstanceOf(IOException.class);
            }
            assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(new byte[] {1, 2, 3})))
                    .isInstanceOf(IOException.class);
            byte[] longer = java.util.Arrays.copyOf(saved, saved.length + 3);
            assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(longer)))
                    .isInstanceOf(IOException.class).hasMessageContaining("3 bytes are left");
            assertThat(bytes(b)).isEqualTo(before);
            assertThat(b.trained()).isFalse();
        }
    }

    /** A checkpoint as score4j train writes it: the tiny U-Net with K classes trained at label dropout p. */
    private static java.nio.file.Path checkpoint(java.nio.file.Path dir, int classes, double p) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        try (UNetScoreModel m = model(tiny("num_classes", String.valueOf(classes)))) {
            randomize(m, 21);
            java.nio.file.Files.write(dir.resolve("ema.params"), bytes(m));
        }
        String sha = CheckpointManifest.sha256(dir.resolve("ema.params"), "test");
        java.nio.file.Files.writeString(dir.resolve("manifest.json"), """
                {"format": "score4j-checkpoint", "format_version": 1, "iteration": 5,
                 "model": {"name": "unet", "config": {"channels": "1,8,8", "base_channels": 8, "channel_mult": "1,2",
                   "attention_resolutions": "4", "groups": 4, "embedding_dim": 16, "num_classes": %d}},
                 "conditioning": {"num_classes": %d, "null_label": %d, "cond_dropout": %s},
                 "files": {"ema.params": {"sha256": "%s", "bytes": %d}}}
                """.formatted(classes, classes, classes, p, sha, java.nio.file.Files.size(dir.resolve("ema.params"))));
        return dir;
    }

    /**
     * A checkpoint trained without label dropout has no unconditional score: its unconditional rows are refused
     * with an error naming the model and --cond-dropout, its class rows are the network's; with dropout the null
     * label gives the unconditional score.
     */
    @Test
    void aCheckpointTrainedWithoutLabelDropoutHasNoUnconditionalScore(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws IOException {
        Map<String, String> never = tiny("num_classes", "3", "checkpoint",
                checkpoint(dir.resolve("never"), 3, 0.0).toString());
        Map<String, String> dropped = tiny("num_classes", "3", "checkpoint",
                checkpoint(dir.resolve("dropped"), 3, 0.2).toString());
        try (UNetScoreModel b = model(never); UNetScoreModel a = model(dropped);
                UNetScoreModel fresh = model(tiny("num_classes", "3")); UNetScoreModel plain = model(tiny());
                NDManager nd = NDManager.newBaseManager()) {
            assertThat(b.trained()).isTrue();
            assertThat(b.hasUnconditionalScore()).isFalse();
            assertThat(a.hasUnconditionalScore()).isTrue();
            assertThat(fresh.hasUnconditionalScore()).isTrue();
            assertThat(plain.hasUnconditionalScore()).isTrue();
            NDArray x = random(nd, new Shape(2, 1, 8, 8), 22);
            NDArray t = nd.create(new float[] {0.5f, 0.5f});
            float[] class2 = b.network().forward(new ParameterStore(nd, false),
                    new NDList(x, t, nd.create(new int[] {2, 2})), false).singletonOrThrow().toFloatArray();
            assertScore(b.scoreFunction(VP).score(x, 0.5, Conditioning.ofClass(2)), class2,
                    VP.marginal(0.5).std(), 0, 2);
            for (Conditioning c : new Conditioning[] {Conditioning.NONE, Conditioning.ofClasses(new int[] {1, -1})}) {
                assertThatThrownBy(() -> b.scoreFunction(VP).score(x, 0.5, c)).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("model unet has no unconditional score")
                        .hasMessageContaining("--cond-dropout")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            }
            assertThat(a.scoreFunction(VP).score(x, 0.5, Conditioning.NONE).getShape()).isEqualTo(x.getShape());
        }
    }

    @Test
    void badSettingsAreOneLineConfigErrors() {
        String[][] cases = {
            {"groups", "3", "model.groups=3 does not divide 8 channels"},
            {"channels", "1,9,8", "H and W must be divisible by 2"},
            {"channels", "2,8,8", "C 1 or 3"},
            {"channels", "1,8", "expected C,H,W"},
            {"channels", "1,x,8", "model.channels"},
            {"channel_mult", "", "model.channel_mult"},
            {"channel_mult", "1,0", "model.channel_mult"},
            {"attention_resolutions", "3", "3 is not the resolution of a level"},
            {"attention_resolutions", "4,a", "model.attention_resolutions"},
            {"embedding_dim", "15", "model.embedding_dim"},
            {"dropout", "1", "model.dropout"},
            {"num_res_blocks", "0", "model.num_res_blocks"},
            {"parameterization", "v", "model.parameterization"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> model(tiny(c[0], c[1]))).as(c[0] + "=" + c[1])
                    .isInstanceOf(ConfigException.class).hasMessageContaining(c[2])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        assertThatThrownBy(() -> model(tiny("channels", "1,28,28", "channel_mult", "1,2,2,2")))
                .hasMessageContaining("divisible by 8").hasMessageContaining("4 levels");
    }

    /** The score is the network output converted by the parameterization, per row or at a shared time. */
    @Test
    void scoreIsTheConvertedOutput() {
        for (String p : new String[] {"epsilon", "score", "x0"}) {
            for (boolean ve : new boolean[] {false, true}) {
                org.score4j.api.sde.Sde sde = ve ? VeSde.defaults() : VP;
                try (UNetScoreModel m = model(tiny("parameterization", p, "embedding", "fourier"));
                        NDManager nd = NDManager.newBaseManager()) {
                    randomize(m, 13);
                    NDArray x = random(nd, new Shape(2, 1, 8, 8), 14);
                    double t = 0.37;
                    NDArray out = forward(m, x, nd.create(new float[] {(float) t, (float) t}), false);
                    Marginal mg = sde.marginal(t);
                    float[] o = out.toFloatArray();
                    float[] xs = x.toFloatArray();
                    float[] expected = new float[o.length];
                    for (int i = 0; i < o.length; i++) {
                        double m0 = mg.mean();
                        double s0 = mg.std();
                        expected[i] = (float) switch (p) {
                            case "epsilon" -> -o[i] / s0;
                            case "score" -> o[i] / s0;
                            default -> (m0 * o[i] - xs[i]) / (s0 * s0);
                        };
                    }
                    ScoreFunction s = m.scoreFunction(sde);
                    float tol = (float) (1e-5 / (mg.std() * mg.std()) + 1e-5);
                    assertThat(s.score(x, t, Conditioning.NONE).toFloatArray()).containsExactly(expected, within(tol));
                    assertThat(s.score(x, nd.create(new double[] {t, t}), Conditioning.NONE).toFloatArray())
                            .containsExactly(expected, within(tol));
                    NDArray s64 = s.score(x.toType(DataType.FLOAT64, false), t, Conditioning.NONE);
                    assertThat(s64.getDataType()).isEqualTo(DataType.FLOAT64);
                    assertThat(s64.getShape()).isEqualTo(new Shape(2, 1, 8, 8));
                    assertThat(s.score(x.reshape(2, 64), t, Conditioning.NONE).getShape()).isEqualTo(new Shape(2, 64));
                }
            }
        }
    }

    /** Labels 0..K−1 pick rows of the class table, K the null row; the score feeds the label of the conditioning. */
    @Test
    void classConditioningFeedsTheLabelAndTheNullLabelForUnconditionalRows() {
        try (UNetScoreModel m = model(tiny("num_classes", "3")); NDManager nd = NDManager.newBaseManager()) {
            assertThat(m.numClasses()).isEqualTo(3);
            assertThat(m.network().getParameters().keys()).anyMatch(k -> k.endsWith("classes"));
            randomize(m, 15);
            NDArray x = random(nd, new Shape(2, 1, 8, 8), 16);
            NDArray t = nd.create(new float[] {0.5f, 0.5f});
            ParameterStore ps = new ParameterStore(nd, false);
            float[][] byLabel = new float[4][];
            for (int label = 0; label <= 3; label++) {
                byLabel[label] = m.network().forward(ps, new NDList(x, t, nd.create(new int[] {label, label})), false)
                        .singletonOrThrow().toFloatArray();
            }
            assertThat(byLabel[0]).isNotEqualTo(byLabel[1]);
            assertThat(byLabel[3]).isNotEqualTo(byLabel[0]);
            assertThat(m.network().forward(ps, new NDList(x, t), false).singletonOrThrow().toFloatArray())
                    .isEqualTo(byLabel[3]);
            ScoreFunction s = m.scoreFunction(VP);
            double sigma = VP.marginal(0.5).std();
            assertScore(s.score(x, 0.5, Conditioning.ofClass(1)), byLabel[1], sigma, 0, 2);
            assertScore(s.score(x, 0.5, Conditioning.NONE), byLabel[3], sigma, 0, 2);
            NDArray mixed = s.score(x, 0.5, Conditioning.ofClasses(new int[] {2, -1}));
            assertScore(mixed, byLabel[2], sigma, 0, 1);
            assertScore(mixed, byLabel[3], sigma, 1, 2);
            assertThatThrownBy(() -> s.score(x, 0.5, Conditioning.ofClass(3))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("class 3 is not a class of model unet").hasMessageContaining("[0, 2]");
        }
        try (UNetScoreModel m = model(tiny()); NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.zeros(new Shape(1, 1, 8, 8));
            assertThatThrownBy(() -> m.scoreFunction(VP).score(x, 0.5, Conditioning.ofClass(0)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("model unet is unconditional");
        }
    }

    private static void assertScore(NDArray score, float[] epsilon, double sigma, int fromRow, int toRow) {
        float[] s = score.toFloatArray();
        for (int i = fromRow * 64; i < toRow * 64; i++) {
            assertThat(s[i]).isCloseTo((float) (-epsilon[i] / sigma), within(2e-4f));
        }
    }

    /** An evaluation leaves its result in the caller's manager and nothing else; the input stays usable. */
    @Test
    void scoreLeavesOnlyItsResult() {
        try (UNetScoreModel m = model(tiny("num_classes", "2")); NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomNormal(new Shape(4, 1, 8, 8));
            ScoreFunction s = m.scoreFunction(VP);
            int before = nd.getManagedArrays().size();
            NDArray r = s.score(x, 0.5, Conditioning.ofClass(1));
            assertThat(r.getManager()).isSameAs(nd);
            assertThat(nd.getManagedArrays().size()).isEqualTo(before + 1);
            NDArray r2 = s.score(x, nd.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}), Conditioning.NONE);
            assertThat(nd.getManagedArrays().size()).isEqualTo(before + 3);
            assertThat(x.toFloatArray()).hasSize(256);
            assertThat(r2.getShape()).isEqualTo(x.getShape());
        }
    }

    /**
     * A training step in a sub-manager (forward with dropout, backward) leaves no array behind outside it:
     * the model's parameters and their gradients are all that stay, step after step.
     */
    @Test
    void trainingStepsInASubManagerLeaveNothingBehind() {
        try (UNetScoreModel m = model(tiny("dropout", "0.1", "num_classes", "2"));
                NDManager nd = NDManager.newBaseManager()) {
            NDManager root = rootManager();
            int[] counts = new int[6];
            for (int k = 0; k < counts.length; k++) {
                try (NDManager step = nd.newSubManager()) {
                    NDArray x = random(step, new Shape(8, 1, 8, 8), k);
                    NDArray t = step.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f});
                    NDArray labels = step.create(new int[] {0, 1, 2, 0, 1, 2, 0, 1});
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = m.network().forward(new ParameterStore(step, false), new NDList(x, t, labels),
                                true).singletonOrThrow();
                        gc.backward(out.sub(x).square().mean());
                    }
                    for (Pair<String, Parameter> p : m.network().getParameters()) {
                        NDArray a = p.getValue().getArray();
                        if (a.hasGradient()) {
                            NDArray g = a.getGradient();
                            g.attach(step);
                            g.subi(g);
                        }
                    }
                }
                counts[k] = root.getManagedArrays().size();
            }
            assertThat(counts).containsOnly(counts[1]);
        }
    }

    /** The engine's root manager, whose array count covers every manager below it. */
    static NDManager rootManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDManager r = m;
            while (r.getParentManager() != null && r.getParentManager() != r) {
                r = r.getParentManager();
            }
            return r;
        }
    }
}
