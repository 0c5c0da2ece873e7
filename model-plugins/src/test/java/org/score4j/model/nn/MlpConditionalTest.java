package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.sde.VpSde;

/** The class-conditional mlp ({@code num_classes} = K > 0): labels input, per-row conditioning, refusals. */
class MlpConditionalTest {
    private static final VpSde VP = VpSde.defaults();
    private static final MlpModelFactory F = new MlpModelFactory();

    @TempDir
    Path dir;

    private static TrainableScoreModel model(int dim, int classes) {
        return (TrainableScoreModel) F.create(PluginConfig.of("model", F, Map.of("dim", String.valueOf(dim),
                "width", "16", "depth", "2", "num_classes", String.valueOf(classes))));
    }

    private static byte[] bytes(TrainableScoreModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.saveParameters(out);
        return out.toByteArray();
    }

    private static float[] row(float[] all, int row, int d) {
        return Arrays.copyOfRange(all, row * d, (row + 1) * d);
    }

    /** K = 0 keeps exactly the parameters of the unconditional network; K > 0 adds one table of K + 1 rows last. */
    @Test
    void theClassEmbeddingIsOneTableOfKPlusOneRowsAddedLast() {
        try (TrainableScoreModel plain = model(2, 0); TrainableScoreModel cond = model(2, 4)) {
            assertThat(plain.numClasses()).isZero();
            assertThat(cond.numClasses()).isEqualTo(4);
            var a = plain.network().getParameters();
            var b = cond.network().getParameters();
            assertThat(b.size()).isEqualTo(a.size() + 1);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).getKey()).isEqualTo(a.get(i).getKey());
            }
            assertThat(b.get(a.size()).getKey()).endsWith("class_embedding_table");
            assertThat(b.get(a.size()).getValue().getArray().getShape()).isEqualTo(new Shape(5, 32));
            assertThat(b.get(a.size()).getValue().requiresGradient()).isTrue();
        }
    }

    /**
     * Parameter i starts from the stream seeded with (seed, i): weights uniform ±1/√fan_in, biases zero, the Fourier
     * frequencies N(0, fourier_scale²), the class table N(0, 0.02²).
     */
    @Test
    void eachParameterStartsFromItsSeededDistribution() {
        try (TrainableScoreModel m = (TrainableScoreModel) F.create(PluginConfig.of("model", F, Map.of("dim", "3",
                "width", "16", "depth", "2", "num_classes", "4", "fourier_scale", "2.5")));
                NDManager nd = NDManager.newBaseManager()) {
            m.initializeParameters(13);
            var params = m.network().getParameters();
            int tables = 0;
            for (int i = 0; i < params.size(); i++) {
                var p = params.get(i).getValue();
                String key = params.get(i).getKey();
                long seed = SeededInit.streamSeed(13, i);
                SeededInit init;
                if (key.endsWith("class_embedding_table")) {
                    init = new SeededInit(SeededInit.Kind.GAUSSIAN, seed, 0.02);
                    tables++;
                } else if (key.endsWith("frequencies")) {
                    init = new SeededInit(SeededInit.Kind.GAUSSIAN, seed, 2.5);
                } else if (key.endsWith("weight")) {
                    init = new SeededInit(SeededInit.Kind.FAN_IN_UNIFORM, seed, 1);
                } else {
                    assertThat(key).endsWith("bias");
                    init = new SeededInit(SeededInit.Kind.ZEROS, seed, 0);
                }
                NDArray a = p.getArray();
                assertThat(a.toFloatArray()).as(key)
                        .containsExactly(init.initialize(nd, a.getShape(), a.getDataType()).toFloatArray());
            }
            assertThat(tables).isEqualTo(1);
            float[] table = params.get(params.size() - 1).getValue().getArray().toFloatArray();
            double sq = 0;
            for (float v : table) {
                sq += v * v;
            }
            assertThat(Math.sqrt(sq / table.length)).isBetween(0.015, 0.025);
        }
    }

    /**
     * Each row's label comes from the conditioning (the null label K for −1 rows): a batch with per-row classes
     * gives, row by row, the scores of the same rows under one shared class; the label changes the score.
     */
    @Test
    void perRowConditioningIsTheSharedClassRowByRow() {
        for (int d : new int[] {2, 5}) {
            int k = 3;
            try (TrainableScoreModel m = model(d, k); NDManager nd = NDManager.newBaseManager()) {
                m.initializeParameters(17 + d);
                ScoreFunction s = m.scoreFunction(VP);
                int n = 6;
                NDArray x = nd.randomNormal(new Shape(n, d));
                int[] labels = {0, 2, -1, 1, -1, 0};
                double t = 0.42;
                float[] mixed = s.score(x, t, Conditioning.ofClasses(labels)).toFloatArray();
                NDArray times = nd.create(new float[] {0.42f, 0.42f, 0.42f, 0.42f, 0.42f, 0.42f});
                float[] mixedPerRowT = s.score(x, times, Conditioning.ofClasses(labels)).toFloatArray();
                float[][] shared = new float[k + 1][];
                for (int c = 0; c < k; c++) {
                    shared[c] = s.score(x, t, Conditioning.ofClass(c)).toFloatArray();
                }
                shared[k] = s.score(x, t, Conditioning.NONE).toFloatArray();
                for (int i = 0; i < n; i++) {
                    int c = labels[i] < 0 ? k : labels[i];
                    assertThat(row(mixed, i, d)).as("row " + i).containsExactly(row(shared[c], i, d));
                    assertThat(row(mixedPerRowT, i, d)).as("row " + i).containsExactly(row(shared[c], i, d));
                }
                for (int c = 1; c <= k; c++) {
                    assertThat(shared[c]).isNotEqualTo(shared[0]);
                }
                // the network itself takes NDList(x, t, labels) with the null label K
                NDArray out = m.network().forward(new ParameterStore(nd, false), new NDList(x, times,
                        nd.create(Conditioning.ofClasses(labels).labels(n, k))), false).singletonOrThrow();
                assertThat(out.getShape()).isEqualTo(new Shape(n, d));
            }
        }
    }

    @Test
    void classesOutsideTheModelAreRefused() {
        try (TrainableScoreModel m = model(2, 3); TrainableScoreModel plain = model(2, 0);
                NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.zeros(new Shape(2, 2));
            assertThatThrownBy(() -> m.scoreFunction(VP).score(x, 0.5, Conditioning.ofClass(3)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("class 3")
                    .hasMessageContaining("[0, 2]");
            assertThatThrownBy(() -> m.scoreFunction(VP).score(x, 0.5, Conditioning.ofClasses(new int[] {0, 7})))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("class 7");
            assertThatThrownBy(() -> plain.scoreFunction(VP).score(x, 0.5, Conditioning.ofClass(0)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("model.num_classes=0");
            assertThatThrownBy(() -> m.scoreFunction(VP).score(x, 0.5, Conditioning.ofClasses(new int[] {0})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than the batch");
        }
    }

    @Test
    void parametersRoundTripAndAnotherClassCountIsRefused() throws IOException {
        try (TrainableScoreModel a = model(2, 3); TrainableScoreModel b = model(2, 3);
                TrainableScoreModel other = model(2, 4); TrainableScoreModel plain = model(2, 0)) {
            a.initializeParameters(5);
            b.loadParameters(new ByteArrayInputStream(bytes(a)));
            assertThat(bytes(b)).isEqualTo(bytes(a));
            assertThatThrownBy(() -> other.loadParameters(new ByteArrayInputStream(bytes(a))))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> plain.loadParameters(new ByteArrayInputStream(bytes(a))))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> a.loadParameters(new ByteArrayInputStream(bytes(plain))))
                    .isInstanceOf(IOException.class);
        }
    }

    /** A checkpoint as score4j train writes it, with the given conditioning entry (or none). */
    private Path checkpoint(String name, int classes, String conditioning) throws IOException {
        Path ck = Files.createDirectories(dir.resolve(name));
        try (TrainableScoreModel m = model(2, classes)) {
            m.initializeParameters(9);
            try (OutputStream out = Files.newOutputStream(ck.resolve("ema.params"))) {
                m.saveParameters(out);
            }
        }
        String sha = CheckpointManifest.sha256(ck.resolve("ema.params"), "test");
        Files.writeString(ck.resolve("manifest.json"), """
                {"format": "score4j-checkpoint", "format_version": 1, "iteration": 5,
                 "model": {"name": "mlp", "config": {"depth": 2, "dim": 2, "embedding": "fourier",
                   "embedding_dim": 32, "fourier_scale": 4.0, "parameterization": "epsilon", "width": 16,
                   "num_classes": %d}},
                 %s
                 "files": {"ema.params": {"sha256": "%s", "bytes": %d}}}
                """.formatted(classes, conditioning, sha, Files.size(ck.resolve("ema.params"))));
        return ck;
    }

    private static TrainableScoreModel load(Path ck, int classes) {
        Map<String, String> c = new HashMap<>(Map.of("dim", "2", "width", "16", "depth", "2",
                "num_classes", String.valueOf(classes), "checkpoint", ck.toString()));
        return (TrainableScoreModel) F.create(PluginConfig.of("model", F, c));
    }

    /**
     * The manifest's conditioning entry tells whether the null label was trained: without label dropout the
     * model has no unconditional score and refuses unconditional rows, but still gives class scores.
     */
    @Test
    void aCheckpointTrainedWithoutLabelDropoutHasNoUnconditionalScore() throws IOException {
        Path dropped = checkpoint("dropped", 3,
                "\"conditioning\": {\"num_classes\": 3, \"null_label\": 3, \"cond_dropout\": 0.1},");
        Path never = checkpoint("never", 3,
                "\"conditioning\": {\"num_classes\": 3, \"null_label\": 3, \"cond_dropout\": 0.0},");
        try (TrainableScoreModel a = load(dropped, 3); TrainableScoreModel b = load(never, 3);
                NDManager nd = NDManager.newBaseManager()) {
            assertThat(a.trained()).isTrue();
            assertThat(a.hasUnconditionalScore()).isTrue();
            assertThat(b.hasUnconditionalScore()).isFalse();
            NDArray x = nd.zeros(new Shape(2, 2));
            assertThat(a.scoreFunction(VP).score(x, 0.5, Conditioning.NONE).getShape()).isEqualTo(x.getShape());
            assertThat(b.scoreFunction(VP).score(x, 0.5, Conditioning.ofClass(2)).getShape())
                    .isEqualTo(x.getShape());
            assertThatThrownBy(() -> b.scoreFunction(VP).score(x, 0.5, Conditioning.NONE))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("no unconditional score")
                    .hasMessageContaining("--cond-dropout");
            assertThatThrownBy(() -> b.scoreFunction(VP).score(x, 0.5, Conditioning.ofClasses(new int[] {1, -1})))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("no unconditional score");
        }
        assertThatThrownBy(() -> load(dropped, 4)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.num_classes=3, not 4");
    }

    /** A manifest written before num_classes existed is of an unconditional model (the key's default, 0). */
    @Test
    void aManifestWithoutNumClassesIsUnconditional() throws IOException {
        Path ck = checkpoint("old", 0, "");
        Files.writeString(ck.resolve("manifest.json"), Files.readString(ck.resolve("manifest.json"))
                .replace(",\n   \"num_classes\": 0", ""));
        assertThat(Files.readString(ck.resolve("manifest.json"))).doesNotContain("num_classes");
        try (TrainableScoreModel m = load(ck, 0)) {
            assertThat(m.numClasses()).isZero();
            assertThat(m.hasUnconditionalScore()).isTrue();
        }
        assertThatThrownBy(() -> load(ck, 2)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.num_classes=0, not 2");
    }
}
