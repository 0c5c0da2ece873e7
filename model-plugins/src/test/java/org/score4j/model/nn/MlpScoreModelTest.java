package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.sde.Marginal;
import org.score4j.sde.VpSde;

class MlpScoreModelTest {
    private static final VpSde VP = VpSde.defaults();

    private static MlpScoreModel model(String embedding, String parameterization) {
        MlpModelFactory f = new MlpModelFactory();
        return (MlpScoreModel) f.create(PluginConfig.of("model", f, Map.of("dim", "3", "width", "16", "depth", "2",
                "embedding", embedding, "parameterization", parameterization)));
    }

    private static byte[] bytes(TrainableScoreModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.saveParameters(out);
        return out.toByteArray();
    }

    @Test
    void initializationDependsOnTheSeedOnly() throws IOException {
        try (MlpScoreModel a = model("fourier", "epsilon"); MlpScoreModel b = model("fourier", "epsilon")) {
            assertThat(bytes(a)).isEqualTo(bytes(b));
            a.initializeParameters(7);
            b.initializeParameters(7);
            assertThat(bytes(a)).isEqualTo(bytes(b));
            b.initializeParameters(8);
            assertThat(bytes(a)).isNotEqualTo(bytes(b));
            assertThat(a.trained()).isFalse();
            assertThat(a.network().getParameters().keys()).contains("01embedding_frequencies");
            assertThat(a.network().getParameters().get("01embedding_frequencies").requiresGradient()).isFalse();
        }
    }

    @Test
    void saveAndLoadRoundTripsAndMarksTrained() throws IOException {
        try (MlpScoreModel a = model("sinusoidal", "x0"); MlpScoreModel b = model("sinusoidal", "x0")) {
            a.initializeParameters(3);
            byte[] saved = bytes(a);
            b.loadParameters(new ByteArrayInputStream(saved));
            assertThat(b.trained()).isTrue();
            assertThat(bytes(b)).isEqualTo(saved);
            assertThat(b.network().getParameters().get(1).getValue().getArray().hasGradient()).isTrue();
        }
    }

    @Test
    void parametersOfAnotherNetworkAreRefusedAndLeaveTheModelAsItWas() throws IOException {
        MlpModelFactory f = new MlpModelFactory();
        try (MlpScoreModel wide = (MlpScoreModel) f.create(PluginConfig.of("model", f,
                Map.of("dim", "3", "width", "32", "depth", "2", "embedding", "sinusoidal")));
                MlpScoreModel b = model("sinusoidal", "epsilon")) {
            byte[] before = bytes(b);
            assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(bytes(wide))))
                    .isInstanceOf(IOException.class).hasMessageContaining("another network");
            assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(new byte[] {1, 2, 3})))
                    .isInstanceOf(IOException.class);
            byte[] longer = java.util.Arrays.copyOf(bytes(b), bytes(b).length + 5);
            assertThatThrownBy(() -> b.loadParameters(new ByteArrayInputStream(longer)))
                    .isInstanceOf(IOException.class).hasMessageContaining("5 bytes are left");
            assertThat(bytes(b)).isEqualTo(before);
            assertThat(b.trained()).isFalse();
        }
    }

    /** The score is the network output converted by the parameterization, per row or at a shared time. */
    @Test
    void scoreIsTheConvertedOutput() {
        for (String p : new String[] {"epsilon", "score", "x0", "sinusoidal"}) {
            String embedding = p.equals("sinusoidal") ? p : "fourier";
            String param = p.equals("sinusoidal") ? "epsilon" : p;
            try (MlpScoreModel m = model(embedding, param); NDManager nd = NDManager.newBaseManager()) {
                m.initializeParameters(11);
                NDArray x = nd.create(new float[] {0.5f, -1f, 2f, 0.1f, 0.2f, -0.3f}, new Shape(2, 3));
                double t = 0.37;
                NDArray out = m.network().forward(new ParameterStore(nd, false),
                        new NDList(x, nd.create(new float[] {(float) t, (float) t})), false).singletonOrThrow();
                Marginal mg = VP.marginal(t);
                float[] expected = m.parameterization().toScore(out, x, mg).toFloatArray();
                ScoreFunction s = m.scoreFunction(VP);
                assertThat(s.score(x, t, Conditioning.NONE).toFloatArray()).containsExactly(expected, within(1e-5f));
                NDArray times = nd.create(new double[] {t, t});
                assertThat(s.score(x, times, Conditioning.NONE).toFloatArray()).containsExactly(expected,
                        within(1e-5f));
                NDArray x64 = x.toType(DataType.FLOAT64, false);
                NDArray s64 = s.score(x64, t, Conditioning.NONE);
                assertThat(s64.getDataType()).isEqualTo(DataType.FLOAT64);
                assertThat(s64.getShape()).isEqualTo(new Shape(2, 3));
            }
        }
        assertThat(model("fourier", "score").parameterization()).isEqualTo(Parameterization.SCALED_SCORE);
    }

    /** An evaluation leaves its result in the caller's manager and nothing else; the input stays usable. */
    @Test
    void scoreLeavesOnlyItsResult() {
        try (MlpScoreModel m = model("fourier", "epsilon"); NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomNormal(new Shape(4, 3));
            ScoreFunction s = m.scoreFunction(VP);
            int before = nd.getManagedArrays().size();
            NDArray r = s.score(x, 0.5, Conditioning.NONE);
            assertThat(r.getManager()).isSameAs(nd);
            assertThat(nd.getManagedArrays().size()).isEqualTo(before + 1);
            NDArray r2 = s.score(x, nd.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}), Conditioning.NONE);
            assertThat(nd.getManagedArrays().size()).isEqualTo(before + 3);
            assertThat(x.toFloatArray()).hasSize(12);
            assertThat(r2.getShape()).isEqualTo(x.getShape());
        }
    }

    @Test
    void classLabelsAreRefused() {
        try (MlpScoreModel m = model("fourier", "epsilon"); NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.zeros(new Shape(1, 3));
            assertThatThrownBy(() -> m.scoreFunction(VP).score(x, 0.5, Conditioning.ofClass(1)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("unconditional");
        }
    }

    @Test
    void oddEmbeddingSizeIsRefused() {
        MlpModelFactory f = new MlpModelFactory();
        assertThatThrownBy(() -> f.create(PluginConfig.of("model", f, Map.of("embedding_dim", "7"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.embedding_dim");
    }
}
