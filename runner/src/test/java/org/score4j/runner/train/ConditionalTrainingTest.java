package org.score4j.runner.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.DatasetFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.Registries;
import org.score4j.runner.io.Npy;

/**
 * Class-conditional training with label dropout ({@code --cond-dropout}) on small networks and few iterations:
 * the dropout stream, determinism and resume, the manifest, refusals, and classifier-free guidance on the
 * trained network against its own conditional and unconditional outputs.
 */
class ConditionalTrainingTest {
    @TempDir
    Path dir;

    /** {@link TrainerTest#small()} with label dropout: the gmm-samples labels are the 5 mixture components. */
    static TrainingSpec conditional(double dropout) {
        return TrainerTest.small().withCondDropout(dropout);
    }

    /** The fraction dropped is P within 4 standard errors; whether a position drops depends on it alone. */
    @Test
    void labelDropoutDropsAFractionPPerPosition() {
        for (double p : new double[] {0.1, 0.2, 0.5}) {
            LabelDropout d = new LabelDropout(p, 7, 99);
            int n = 20_000;
            int[] labels = new int[n];
            Arrays.fill(labels, 3);
            int[] all = d.apply(labels, 0);
            long dropped = Arrays.stream(all).filter(l -> l == 7).count();
            assertThat(Arrays.stream(all).allMatch(l -> l == 3 || l == 7)).isTrue();
            assertThat((double) dropped / n).isCloseTo(p, within(4 * Math.sqrt(p * (1 - p) / n)));
            // positions 500..899 in batches of 64 (and a remainder) equal the same positions taken at once
            int[] pieces = new int[400];
            for (int from = 0; from < 400; from += 64) {
                int len = Math.min(64, 400 - from);
                System.arraycopy(d.apply(Arrays.copyOf(labels, len), 500 + from), 0, pieces, from, len);
            }
            assertThat(pieces).containsExactly(Arrays.copyOfRange(all, 500, 900));
        }
        assertThat(new LabelDropout(0, 7, 99).apply(new int[] {1, 2, 0}, 5)).containsExactly(1, 2, 0);
        assertThat(new LabelDropout(0.3, 7, 1).apply(new int[64], 0))
                .isNotEqualTo(new LabelDropout(0.3, 7, 2).apply(new int[64], 0));
    }

    @Test
    void theManifestRecordsTheClassesAndTheDropout() {
        Trainer t = TrainerTest.SCORE4J.trainer();
        Checkpoint c = Checkpoint.open(t.train(conditional(0.2), TrainerTest.options(10, 10), dir.resolve("c"),
                p -> { }).checkpoint());
        Map<?, ?> cond = (Map<?, ?>) c.manifest().get(CheckpointLayout.CONDITIONING);
        assertThat(cond.get("num_classes")).isEqualTo(5);
        assertThat(cond.get("null_label")).isEqualTo(5);
        assertThat(((Number) cond.get("cond_dropout")).doubleValue()).isEqualTo(0.2);
        assertThat(c.numClasses()).isEqualTo(5);
        assertThat(c.condDropout()).isEqualTo(0.2);
        // num_classes was not set: it is the data's class count, recorded in the model's config
        assertThat(c.model().config()).containsEntry(TrainableScoreModel.NUM_CLASSES_KEY, "5");
        assertThat(c.spec().condDropout()).isEqualTo(0.2);
        Checkpoint plain = Checkpoint.open(t.train(TrainerTest.small(), TrainerTest.options(10, 10), dir.resolve("u"),
                p -> { }).checkpoint());
        Map<?, ?> none = (Map<?, ?>) plain.manifest().get(CheckpointLayout.CONDITIONING);
        assertThat(none.get("num_classes")).isEqualTo(0);
        assertThat(none.get("null_label")).isNull();
        assertThat(plain.condDropout()).isZero();
        // conditional without dropout: num_classes set explicitly
        Checkpoint never = Checkpoint.open(t.train(TrainerTest.small().withModel(TrainerTest.small().model()
                .with("num_classes", "5")), TrainerTest.options(10, 10), dir.resolve("n"), p -> { }).checkpoint());
        assertThat(never.numClasses()).isEqualTo(5);
        assertThat(never.condDropout()).isZero();
    }

    /** Same seed, same bits with dropout; the dropout changes the run; a resumed run continues bit for bit. */
    @Test
    void dropoutRunsAreDeterministicAndResumeBitForBit() {
        Trainer t = TrainerTest.SCORE4J.trainer();
        TrainingResult a = t.train(conditional(0.2), TrainerTest.options(60, 30), dir.resolve("a"), p -> { });
        TrainingResult b = t.train(conditional(0.2), TrainerTest.options(60, 30), dir.resolve("b"), p -> { });
        TrainingResult other = t.train(conditional(0.3), TrainerTest.options(60, 30), dir.resolve("o"), p -> { });
        TrainingResult none = t.train(TrainerTest.small().withModel(TrainerTest.small().model()
                .with("num_classes", "5")), TrainerTest.options(60, 30), dir.resolve("z"), p -> { });
        assertSame(a.checkpoint(), b.checkpoint(), true);
        assertSame(a.checkpoint(), other.checkpoint(), false);
        assertSame(a.checkpoint(), none.checkpoint(), false);
        Checkpoint mid = Checkpoint.open(dir.resolve("a").resolve(Checkpoint.name(30)));
        TrainingResult rest = t.resume(mid, mid.spec(), TrainerTest.options(60, 30), dir.resolve("r"), p -> { });
        assertSame(a.checkpoint(), rest.checkpoint(), true);
    }

    private static void assertSame(Path a, Path b, boolean same) {
        for (String f : List.of(CheckpointLayout.EMA_WEIGHTS, CheckpointLayout.WEIGHTS, CheckpointLayout.OPTIMIZER)) {
            String x = Checkpoint.sha256(Checkpoint.open(a).file(f));
            String y = Checkpoint.sha256(Checkpoint.open(b).file(f));
            if (same) {
                assertThat(y).as(f).isEqualTo(x);
            } else if (!f.equals(CheckpointLayout.OPTIMIZER)) {
                assertThat(y).as(f).isNotEqualTo(x);
            }
        }
    }

    @Test
    void resumingWithAnotherDropoutIsRefused() {
        Trainer t = TrainerTest.SCORE4J.trainer();
        Checkpoint ck = Checkpoint.open(t.train(conditional(0.2), TrainerTest.options(10, 10), dir.resolve("r"),
                p -> { }).checkpoint());
        assertThatThrownBy(() -> t.resume(ck, ck.spec().withCondDropout(0.1), TrainerTest.options(20, 10), null,
                p -> { })).isInstanceOf(ConfigException.class).hasMessageContaining("--cond-dropout 0.1")
                .hasMessageContaining("trained with 0.2");
        assertThatThrownBy(() -> t.resume(ck, ck.spec().withModel(ck.spec().model().with("num_classes", "6")),
                TrainerTest.options(20, 10), null, p -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.num_classes=6").hasMessageContaining("model.num_classes=5");
    }

    @Test
    void unusableLabelsAreRefusedBeforeTraining() throws Exception {
        Trainer t = TrainerTest.SCORE4J.trainer();
        TrainingOptions o = TrainerTest.options(5, 5);
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 4, 2);
        PluginRef unlabelled = PluginRef.of("npy").with("path", x.toString());
        assertThatThrownBy(() -> t.train(conditional(0.1).withData(unlabelled), o, dir.resolve("a"), p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--cond-dropout 0.1")
                .hasMessageContaining("data 'npy' has no labels");
        PluginRef k3 = TrainerTest.small().model().with("num_classes", "3");
        assertThatThrownBy(() -> t.train(TrainerTest.small().withModel(k3).withData(unlabelled), o,
                dir.resolve("b"), p -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.num_classes=3 needs a labelled data set");
        assertThatThrownBy(() -> t.train(TrainerTest.small().withModel(k3), o, dir.resolve("c"), p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("data 'gmm-samples' has 5 classes")
                .hasMessageContaining("model.num_classes=3").hasMessageContaining("set model.num_classes=5");
        PluginRef k0 = TrainerTest.small().model().with("num_classes", "0");
        assertThatThrownBy(() -> t.train(conditional(0.1).withModel(k0), o, dir.resolve("d"), p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs a class-conditional model")
                .hasMessageContaining("model.num_classes=0");
        Trainer bad = new Trainer(withBadLabels(TrainerTest.SCORE4J.assembler().registries()));
        assertThatThrownBy(() -> bad.train(conditional(0.1).withData(PluginRef.of("bad-labels")), o,
                dir.resolve("e"), p -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("example 2 has label 3").hasMessageContaining("[0, 2]");
        assertThatThrownBy(() -> TrainerTest.small().withCondDropout(1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("[0, 1)");
        for (String f : List.of("a", "b", "c", "d", "e")) {
            assertThat(Files.exists(dir.resolve(f))).as(f).isFalse();
        }
    }

    /** The registries plus a data set that says it has 3 classes but labels one example 3. */
    private static Registries withBadLabels(Registries r) {
        Map<String, DatasetFactory> data = new HashMap<>(r.datasets());
        data.put("bad-labels", new DatasetFactory() {
            @Override
            public String name() {
                return "bad-labels";
            }

            @Override
            public String description() {
                return "three classes, one label out of range";
            }

            @Override
            public Map<String, ConfigKey> configKeys() {
                return Map.of();
            }

            @Override
            public Dataset create(PluginConfig config) {
                return new Dataset() {
                    @Override
                    public Shape sampleShape() {
                        return new Shape(2);
                    }

                    @Override
                    public int size() {
                        return 4;
                    }

                    @Override
                    public NDArray batch(int[] indices, NDManager manager) {
                        return manager.zeros(new Shape(indices.length, 2));
                    }

                    @Override
                    public DataScaling scaling() {
                        return DataScaling.IDENTITY;
                    }

                    @Override
                    public int numClasses() {
                        return 3;
                    }

                    @Override
                    public int[] labels(int[] indices) {
                        return Arrays.stream(indices).map(i -> i == 2 ? 3 : i % 3).toArray();
                    }
                };
            }
        });
        return new Registries(r.sdes(), r.models(), r.predictors(), r.correctors(), r.solvers(), r.schedules(),
                r.guidances(), data);
    }

    /** The trained network's output for {@code x} at time t with every row labelled {@code label}, as a score. */
    private static float[] networkScore(Pipeline p, NDArray x, double t, int label) {
        TrainableScoreModel m = (TrainableScoreModel) p.model();
        int n = Math.toIntExact(x.getShape().get(0));
        float[] times = new float[n];
        Arrays.fill(times, (float) t);
        int[] labels = new int[n];
        Arrays.fill(labels, label);
        NDManager nd = x.getManager();
        NDArray out = m.network().forward(new ParameterStore(nd, false), new NDList(x, nd.create(times),
                nd.create(labels)), false).singletonOrThrow();
        return m.parameterization().toScore(out, x, p.sde().marginal(t)).toFloatArray();
    }

    private static PipelineSpec guided(Checkpoint ck, String scale, String label) {
        return PipelineSpec.defaults().withModel(ck.model().with(CheckpointLayout.CHECKPOINT_KEY, ck.dir().toString()))
                .withSde(ck.sde()).withGuidances(List.of(PluginRef.of("cfg").with("scale", scale)
                        .with("class", label)));
    }

    /**
     * CFG on the trained network: scale 0 is exactly its unconditional output (null label K), scale 1 exactly
     * its output for class c, and scale w is u + w·(c − u) of the two.
     */
    @Test
    void cfgCombinesTheNetworksConditionalAndUnconditionalOutputs() {
        Trainer t = TrainerTest.SCORE4J.trainer();
        Checkpoint ck = Checkpoint.open(t.train(conditional(0.2), TrainerTest.options(30, 30), dir.resolve("g"),
                p -> { }).checkpoint());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomNormal(new Shape(7, 2)).mul(2);
            for (double time : new double[] {0.05, 0.4, 0.9}) {
                try (Pipeline zero = TrainerTest.SCORE4J.assemble(guided(ck, "0", "2"));
                        Pipeline one = TrainerTest.SCORE4J.assemble(guided(ck, "1", "2"));
                        Pipeline w = TrainerTest.SCORE4J.assemble(guided(ck, "2.5", "2"))) {
                    float[] u = networkScore(zero, x, time, 5);
                    float[] c = networkScore(zero, x, time, 2);
                    assertThat(u).isNotEqualTo(c);
                    assertThat(zero.score().score(x, time, Conditioning.NONE).toFloatArray()).containsExactly(u);
                    assertThat(one.score().score(x, time, Conditioning.NONE).toFloatArray()).containsExactly(c);
                    float[] g = w.score().score(x, time, Conditioning.NONE).toFloatArray();
                    for (int i = 0; i < g.length; i++) {
                        assertThat(g[i]).isCloseTo(u[i] + 2.5f * (c[i] - u[i]),
                                within(1e-5f * (1 + Math.abs(u[i]) + Math.abs(c[i]))));
                    }
                }
            }
        }
    }

    /**
     * Guidance on a model without a trained unconditional score is refused before sampling: an unconditional
     * network (no classes), and a conditional one trained without dropout at any scale but 1 (or unguided).
     */
    @Test
    void guidanceWithoutConditionalSupportIsRefusedBeforeSampling() {
        Trainer t = TrainerTest.SCORE4J.trainer();
        Checkpoint plain = Checkpoint.open(t.train(TrainerTest.small(), TrainerTest.options(5, 5), dir.resolve("u"),
                p -> { }).checkpoint());
        assertThatThrownBy(() -> TrainerTest.SCORE4J.assemble(guided(plain, "2", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs a class-conditional model");
        Checkpoint never = Checkpoint.open(t.train(TrainerTest.small().withModel(TrainerTest.small().model()
                .with("num_classes", "5")), TrainerTest.options(5, 5), dir.resolve("n"), p -> { }).checkpoint());
        assertThatThrownBy(() -> TrainerTest.SCORE4J.assemble(guided(never, "2", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.scale=2.0")
                .hasMessageContaining("needs the unconditional score").hasMessageContaining("--cond-dropout");
        assertThatThrownBy(() -> TrainerTest.SCORE4J.assemble(guided(never, "0", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs the unconditional score");
        PipelineSpec unguided = guided(never, "1", "1").withGuidances(List.of());
        assertThatThrownBy(() -> TrainerTest.SCORE4J.assemble(unguided)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no unconditional score")
                .hasMessageContaining("--guidance cfg --set guidance.scale=1 --set guidance.class=C (C in [0, 4])");
        try (Pipeline p = TrainerTest.SCORE4J.assemble(guided(never, "1", "4"))) {
            assertThat(p.model().numClasses()).isEqualTo(5);
        }
        assertThatThrownBy(() -> TrainerTest.SCORE4J.assemble(guided(never, "1", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.class 5")
                .hasMessageContaining("[0, 4]");
    }
}
