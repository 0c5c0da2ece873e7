package org.score4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ApiVersion;
import org.score4j.api.ConfigException;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmScoreModel;

class ModelPluginTest {
    @TempDir
    Path dir;

    private static ModelFactory gmm() {
        List<Score4jPlugin> plugins = ServiceLoader.load(Score4jPlugin.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p instanceof ModelPlugin).toList();
        assertThat(plugins).hasSize(1);
        Score4jPlugin plugin = plugins.get(0);
        assertThat(plugin.apiMajor()).isEqualTo(ApiVersion.MAJOR);
        assertThat(plugin.sdes()).isEmpty();
        assertThat(plugin.models()).extracting(ModelFactory::name).containsExactly("gmm", "mlp", "unet");
        assertThat(plugin.datasets()).extracting(f -> f.name()).containsExactly("npy", "gmm-samples", "mnist",
                "fashion-mnist");
        return plugin.models().get(0);
    }

    @Test
    void gmmIsDiscoveredAndDeclaresItsKeys() {
        ModelFactory f = gmm();
        assertThat(f.name()).matches("[a-z][a-z0-9-]*");
        assertThat(f.description()).isNotBlank().doesNotContain("\n");
        assertThat(f.configKeys()).containsOnlyKeys("spec", "shape");
        assertThat(f.configKeys().get("shape").defaultValue()).isNull();
        assertThat(f.configKeys().get("spec").defaultValue()).isNull();
    }

    @Test
    void withoutSpecTheDefaultMixtureIsUsed() {
        ModelFactory f = gmm();
        try (ScoreModel m = f.create(PluginConfig.of("model", f, Map.of()))) {
            assertThat(m).isInstanceOf(GmmScoreModel.class);
            assertThat(((GmmScoreModel) m).mixture()).isEqualTo(GaussianMixture.defaultMixture());
            assertThat(m.sampleShape()).isEqualTo(new Shape(2));
            assertThat(m.numClasses()).isEqualTo(5);
        }
    }

    @Test
    void specFileIsLoaded() throws IOException {
        Path p = dir.resolve("m.json");
        Files.writeString(p, "{\"weights\": [1], \"means\": [[1, 2, 3, 4]], \"stds\": [0.5]}");
        ModelFactory f = gmm();
        try (ScoreModel m = f.create(PluginConfig.of("model", f, Map.of("spec", p.toString())))) {
            assertThat(m.sampleShape()).isEqualTo(new Shape(4));
            assertThat(m.numClasses()).isEqualTo(1);
        }
        assertThatThrownBy(() -> f.create(PluginConfig.of("model", f, Map.of("spec", dir.resolve("x").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.spec");
        assertThatThrownBy(() -> PluginConfig.of("model", f, Map.of("specs", "a.json")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.specs");
    }

    @Test
    void shapeLaysTheMixtureOutAsImages() throws IOException {
        Path p = dir.resolve("m.json");
        Files.writeString(p, "{\"weights\": [1], \"means\": [[1, 2, 3, 4, 5, 6]], \"stds\": [0.5]}");
        ModelFactory f = gmm();
        try (ScoreModel m = f.create(PluginConfig.of("model", f, Map.of("spec", p.toString(), "shape", "1, 2,3")))) {
            assertThat(m.sampleShape()).isEqualTo(new Shape(1, 2, 3));
        }
        assertThatThrownBy(() -> f.create(PluginConfig.of("model", f, Map.of("spec", p.toString(), "shape", "2,2"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.shape")
                .hasMessageContaining("mixture's dimension 6");
        assertThatThrownBy(() -> f.create(PluginConfig.of("model", f, Map.of("shape", "1,x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'1,x' for model.shape");
        assertThatThrownBy(() -> f.create(PluginConfig.of("model", f, Map.of("shape", "0,2"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("positive integer sizes");
    }
}
