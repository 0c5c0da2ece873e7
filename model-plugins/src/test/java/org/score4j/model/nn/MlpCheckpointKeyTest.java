package org.score4j.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.plugin.PluginConfig;

/** The {@code checkpoint} key: weights load only from a folder whose manifest matches and verifies. */
class MlpCheckpointKeyTest {
    @TempDir
    Path dir;

    private final MlpModelFactory f = new MlpModelFactory();

    private ScoreModel create(Map<String, String> given) {
        return f.create(PluginConfig.of("model", f, given));
    }

    /** A checkpoint folder as score4j train lays it out (manifest and averaged weights only). */
    private Path checkpoint(String width, long seed) throws IOException {
        Path ck = Files.createDirectories(dir.resolve("ck-" + width + "-" + seed));
        try (TrainableScoreModel m = (TrainableScoreModel) create(Map.of("width", width))) {
            m.initializeParameters(seed);
            try (OutputStream out = Files.newOutputStream(ck.resolve("ema.params"))) {
                m.saveParameters(out);
            }
        }
        String sha = CheckpointManifest.sha256(ck.resolve("ema.params"), "test");
        Files.writeString(ck.resolve("manifest.json"), """
                {"format": "score4j-checkpoint", "format_version": 1, "iteration": 5,
                 "model": {"name": "mlp", "config": {"depth": 3, "dim": 2, "embedding": "fourier",
                   "embedding_dim": 32, "fourier_scale": 4.0, "parameterization": "epsilon", "width": %s}},
                 "files": {"ema.params": {"sha256": "%s", "bytes": %d}}}
                """.formatted(width, sha, Files.size(ck.resolve("ema.params"))));
        return ck;
    }

    @Test
    void loadsTheAveragedWeightsAndIsTrained() throws IOException {
        Path ck = checkpoint("128", 5);
        try (TrainableScoreModel m = (TrainableScoreModel) create(Map.of("checkpoint", ck.toString()));
                TrainableScoreModel ref = (TrainableScoreModel) create(Map.of())) {
            assertThat(m.trained()).isTrue();
            ref.initializeParameters(5);
            java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            m.saveParameters(a);
            ref.saveParameters(b);
            assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
            assertThat(m.network().getParameters().get(1).getValue().getArray().hasGradient()).isFalse();
        }
        try (TrainableScoreModel m = (TrainableScoreModel) create(Map.of())) {
            assertThat(m.trained()).isFalse();
        }
    }

    @Test
    void otherSettingsThanTheCheckpointsAreRefused() throws IOException {
        Path ck = checkpoint("64", 1);
        assertThatThrownBy(() -> create(Map.of("checkpoint", ck.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.width=64, not 128");
        try (ScoreModel m = create(Map.of("checkpoint", ck.toString(), "width", "64"))) {
            assertThat(((TrainableScoreModel) m).trained()).isTrue();
        }
    }

    @Test
    void changedOrTruncatedWeightsAreRefused() throws IOException {
        Path ck = checkpoint("128", 2);
        Path w = ck.resolve("ema.params");
        byte[] bytes = Files.readAllBytes(w);
        bytes[bytes.length / 2] ^= 1;
        Files.write(w, bytes);
        assertThatThrownBy(() -> create(Map.of("checkpoint", ck.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is corrupt: ema.params has SHA-256");
        Files.write(w, java.util.Arrays.copyOf(bytes, 100));
        assertThatThrownBy(() -> create(Map.of("checkpoint", ck.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("corrupt");
    }

    @Test
    void aFolderThatIsNoCheckpointIsRefused() throws IOException {
        assertThatThrownBy(() -> create(Map.of("checkpoint", dir.resolve("missing").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a folder");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> create(Map.of("checkpoint", empty.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("has no manifest.json");
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("manifest.json"), "{\"format\": \"other\"}");
        assertThatThrownBy(() -> create(Map.of("checkpoint", bad.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a score4j checkpoint manifest");
        Files.writeString(bad.resolve("manifest.json"), "{\"format\": \"score4j-che");
        assertThatThrownBy(() -> create(Map.of("checkpoint", bad.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid JSON");
        Map<String, String> gmm = new HashMap<>();
        Path ck = checkpoint("128", 3);
        Files.writeString(ck.resolve("manifest.json"), Files.readString(ck.resolve("manifest.json"))
                .replace("\"mlp\"", "\"unet\""));
        gmm.put("checkpoint", ck.toString());
        assertThatThrownBy(() -> create(gmm)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("was trained with model 'unet'");
    }
}
