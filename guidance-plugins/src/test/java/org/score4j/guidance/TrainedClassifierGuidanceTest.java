package org.score4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.ClassifierArchitecture;
import org.score4j.model.nn.ClassifierCheckpoint;
import org.score4j.sde.VeSde;
import org.score4j.sde.VpSde;

/**
 * Classifier guidance with a trained classifier folder ({@code guidance.classifier}): the added term is γ times
 * the gradient of log p_t(c | x) of the classifier (checked against finite differences of its forward pass),
 * per-row times, and the checks made before any work. The folders are written here by hand in the layout of
 * {@link ClassifierCheckpoint}, with seeded (untrained) weights.
 */
class TrainedClassifierGuidanceTest {
    private static final GuidanceFactory FACTORY = new ClassifierGuidance.Factory();

    @TempDir
    Path dir;

    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    /** Writes a classifier folder for {@code arch} with weights from {@code seed}, trained "under" {@code sde}. */
    static Path writeFolder(Path dir, ClassifierArchitecture arch, long seed, String sdeName, Sde sde)
            throws Exception {
        Files.createDirectories(dir);
        byte[] params;
        try (Classifier c = new Classifier(arch)) {
            c.initializeParameters(seed);
            // sharpen the untrained network so that its gradients are well above float32 rounding
            for (var p : c.network().getParameters()) {
                if (p.getKey().contains("output")) {
                    p.getValue().getArray().muli(20);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.saveParameters(out);
            params = out.toByteArray();
        }
        Files.write(dir.resolve(ClassifierCheckpoint.PARAMETERS), params);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", ClassifierCheckpoint.FORMAT);
        m.put("format_version", ClassifierCheckpoint.FORMAT_VERSION);
        m.put("architecture", arch.toMap());
        if (sde != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", sdeName);
            s.put("config", Map.of());
            s.put("t0", sde.t0());
            s.put("t_end", sde.tEnd());
            List<List<Double>> rows = new ArrayList<>();
            for (double t : new double[] {sde.t0(), 0.5, sde.tEnd()}) {
                rows.add(List.of(t, sde.marginal(t).mean(), sde.marginal(t).std()));
            }
            s.put("marginals", rows);
            m.put("sde", s);
        }
        m.put("files", Map.of(ClassifierCheckpoint.PARAMETERS, Map.of("sha256",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(params)), "bytes", params.length)));
        new ObjectMapper().writeValue(dir.resolve(ClassifierCheckpoint.MANIFEST).toFile(), m);
        return dir;
    }

    private static Guidance create(Map<String, String> config) {
        return FACTORY.create(PluginConfig.of("guidance", FACTORY, config));
    }

    /** A model of the given sample shape whose score is 0. */
    private static ScoreModel zeroModel(Shape shape) {
        return new ScoreModel() {
            @Override
            public Shape sampleShape() {
                return shape;
            }

            @Override
            public ScoreFunction scoreFunction(Sde sde) {
                return (x, t, cond) -> x.zerosLike();
            }
        };
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** log p_t(c | x) of the classifier of {@code folder} for each row, by its forward pass. */
    private static double[] logPosterior(Path folder, NDArray x, double[] t, int c) {
        try (Classifier cl = ClassifierCheckpoint.read(folder, "test").load()) {
            float[] tf = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                tf[i] = (float) t[i];
            }
            NDArray lp = cl.forward(x, x.getManager().create(tf)).get(0).logSoftmax(1);
            float[] v = lp.toFloatArray();
            int k = cl.architecture().classes();
            double[] out = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = v[i * k + c];
            }
            return out;
        }
    }

    @Test
    void addsGammaTimesTheGradientOfTheLogPosteriorWithPerRowTimes() throws Exception {
        Sde sde = VpSde.defaults();
        ClassifierArchitecture arch = ClassifierArchitecture.standard(new Shape(3), 3, true);
        Path folder = writeFolder(dir.resolve("mlp"), arch, 4, "vp", sde);
        double gamma = 2.5;
        int c = 1;
        int n = 4;
        double[] times = {0.05, 0.3, 0.6, 0.95};
        float[] base = random(n * 3, 8);
        try (TrainedClassifierGuidance g = (TrainedClassifierGuidance) create(Map.of("class", "1", "scale",
                String.valueOf(gamma), "classifier", folder.toString())); NDManager sub = nd.newSubManager()) {
            ScoreFunction guided = g.wrap(zeroModel(new Shape(3)).scoreFunction(sde), zeroModel(new Shape(3)), sde);
            NDArray x = sub.create(base, new Shape(n, 3)).toType(DataType.FLOAT64, false);
            NDArray s = guided.score(x, sub.create(times), Conditioning.NONE);
            assertThat(s.getDataType()).isEqualTo(DataType.FLOAT64);
            double[] added = s.toDoubleArray();
            double h = 1e-2;
            for (int j = 0; j < 3; j++) {
                float[] plus = base.clone();
                float[] minus = base.clone();
                for (int i = 0; i < n; i++) {
                    plus[i * 3 + j] += (float) h;
                    minus[i * 3 + j] -= (float) h;
                }
                double[] lp = logPosterior(folder, sub.create(plus, new Shape(n, 3)), times, c);
                double[] lm = logPosterior(folder, sub.create(minus, new Shape(n, 3)), times, c);
                for (int i = 0; i < n; i++) {
                    double fd = gamma * (lp[i] - lm[i]) / (2 * h);
                    assertThat(added[i * 3 + j]).as("row %d (t=%s), coordinate %d", i, times[i], j)
                            .isCloseTo(fd, org.assertj.core.data.Offset.offset(1e-3 + 2e-3 * Math.abs(fd)));
                }
            }
            // the shared-time path agrees with the per-row one
            double[] shared = guided.score(x.get("1:2"), 0.3, Conditioning.NONE).toDoubleArray();
            for (int j = 0; j < 3; j++) {
                assertThat(shared[j]).isCloseTo(added[3 + j], org.assertj.core.data.Offset.offset(1e-6));
            }
            // γ = 0 leaves the wrapped score unchanged; the gradient depends on t
            assertThat(added).isNotEqualTo(new double[n * 3]);
        }
    }

    @Test
    void addsToTheWrappedScoreWithTheCallersConditioning() throws Exception {
        Sde sde = VeSde.defaults();
        Path folder = writeFolder(dir.resolve("pair"), ClassifierArchitecture.standard(new Shape(2), 2, true), 1, "ve",
                sde);
        var mixture = Exact.pair();
        GmmScoreModel model = new GmmScoreModel(mixture);
        Recording inner = new Recording(model.scoreFunction(sde));
        try (TrainedClassifierGuidance g = new TrainedClassifierGuidance(1, 0, folder);
                TrainedClassifierGuidance zero = new TrainedClassifierGuidance(0, 0, folder);
                NDManager sub = nd.newSubManager()) {
            ScoreFunction guided = g.wrap(inner, model, sde);
            NDArray x = sub.create(new double[][] {{0.5, -1}, {-2, 0.3}});
            double[] out = guided.score(x, 0.4, Conditioning.ofClass(1)).toDoubleArray();
            assertThat(inner.calls).containsExactly("shared:class 1");
            double[] base = model.scoreFunction(sde).score(x, 0.4, Conditioning.ofClass(1)).toDoubleArray();
            try (Classifier c = ClassifierCheckpoint.read(folder, "test").load()) {
                double[] grad = c.gradLogProbability(x, new double[] {0.4}, 0).toDoubleArray();
                for (int i = 0; i < out.length; i++) {
                    assertThat(out[i]).isCloseTo(base[i] + grad[i], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
            assertThat(zero.wrap(model.scoreFunction(sde), model, sde).score(x, 0.4, Conditioning.NONE)
                    .toDoubleArray()).containsExactly(model.scoreFunction(sde).score(x, 0.4, Conditioning.NONE)
                    .toDoubleArray());
        }
    }

    @Test
    void clearErrorsBeforeAnyWork() throws Exception {
        Sde vp = VpSde.defaults();
        Path image = writeFolder(dir.resolve("img"), ClassifierArchitecture.standard(new Shape(1, 8, 8), 2, true), 2,
                "vp", vp);
        Path clean = writeFolder(dir.resolve("clean"), ClassifierArchitecture.standard(new Shape(1, 8, 8), 2, false),
                2, null, null);
        assertThatThrownBy(() -> create(Map.of("class", "0", "classifier", dir.resolve("nothing").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.classifier")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> create(Map.of("class", "0", "classifier", clean.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clean classifier")
                .hasMessageContaining("train-classifier");
        assertThatThrownBy(() -> create(Map.of("class", "2", "classifier", image.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.class 2")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> create(Map.of("class", "0", "scale", "-1", "classifier", image.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.scale");
        assertThatThrownBy(() -> create(Map.of("class", "0", "classifier", dir.resolve("img/manifest.json")
                .toString()))).isInstanceOf(ConfigException.class).hasMessageContaining("not a folder");
        try (TrainedClassifierGuidance g = (TrainedClassifierGuidance) create(Map.of("class", "1", "classifier",
                image.toString()))) {
            ScoreModel vectors = zeroModel(new Shape(2));
            assertThatThrownBy(() -> g.wrap(vectors.scoreFunction(vp), vectors, vp)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("reads examples of shape (1, 8, 8)").hasMessageContaining("(2)");
            ScoreModel images = zeroModel(new Shape(1, 8, 8));
            Sde ve = VeSde.defaults();
            assertThatThrownBy(() -> g.wrap(images.scoreFunction(ve), images, ve)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("sde 'vp'");
            assertThat(g.wrap(images.scoreFunction(vp), images, vp)).isNotNull();
        }
        Path params = image.resolve(ClassifierCheckpoint.PARAMETERS);
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 1;
        Files.write(params, bytes);
        assertThatThrownBy(() -> create(Map.of("class", "0", "classifier", image.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("corrupt");
    }
}
