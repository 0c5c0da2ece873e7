package org.score4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ApiVersion;
import org.score4j.api.ConfigException;
import org.score4j.api.guidance.Guidance;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.plugin.GuidanceFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginKind;
import org.score4j.api.plugin.Score4jPlugin;
import org.score4j.api.sde.Sde;
import org.score4j.model.gmm.GaussianMixture;
import org.score4j.model.gmm.GmmModelFactory;
import org.score4j.model.gmm.GmmScoreModel;
import org.score4j.sde.VpSde;

class GuidancePluginTest {
    private static final GuidanceFactory CFG = new ClassifierFreeGuidance.Factory();
    private static final GuidanceFactory CLASSIFIER = new ClassifierGuidance.Factory();

    private static NDManager nd;

    @BeforeAll
    static void start() {
        nd = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        nd.close();
    }

    private static Guidance create(GuidanceFactory f, Map<String, String> given) {
        return f.create(PluginConfig.of(PluginKind.GUIDANCE.word(), f, given));
    }

    /** A model with an unconditional score −x only. */
    private static final ScoreModel UNCONDITIONAL = new ScoreModel() {
        @Override
        public Shape sampleShape() {
            return new Shape(2);
        }

        @Override
        public ScoreFunction scoreFunction(Sde sde) {
            return (x, t, cond) -> x.neg();
        }
    };

    @Test
    void isFoundByTheServiceLoader() {
        List<Score4jPlugin> ours = ServiceLoader.load(Score4jPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof GuidancePlugin).toList();
        assertThat(ours).hasSize(1);
        assertThat(ours.get(0).apiMajor()).isEqualTo(ApiVersion.MAJOR);
    }

    @Test
    void declaresCfgAndClassifierWithTheirKeys() {
        GuidancePlugin plugin = new GuidancePlugin();
        assertThat(plugin.guidances()).extracting(GuidanceFactory::name).containsExactly("cfg", "classifier");
        assertThat(CFG.configKeys()).containsOnlyKeys("scale", "class", "t_min");
        assertThat(List.copyOf(CFG.configKeys().keySet())).containsExactly("scale", "class", "t_min");
        assertThat(List.copyOf(CLASSIFIER.configKeys().keySet())).containsExactly("scale", "class", "classifier");
        for (PluginKind kind : PluginKind.values()) {
            for (var f : kind.factoriesOf(plugin)) {
                assertThat(kind).isIn(PluginKind.GUIDANCE, PluginKind.OPERATOR, PluginKind.METHOD);
                assertThat(f.name()).matches("[a-z][a-z0-9-]*");
                assertThat(f.description()).isNotBlank().doesNotContain("\n");
                f.configKeys().forEach((name, key) -> {
                    assertThat(key.name()).isEqualTo(name);
                    assertThat(key.help()).isNotBlank();
                });
            }
        }
        ClassifierFreeGuidance cfg = (ClassifierFreeGuidance) create(CFG, Map.of("class", "3"));
        assertThat(cfg).isEqualTo(new ClassifierFreeGuidance(ClassifierFreeGuidance.DEFAULT_SCALE, 3, 0));
        assertThat(create(CFG, Map.of("class", "1", "scale", "4.5", "t_min", "0.25")))
                .isEqualTo(new ClassifierFreeGuidance(4.5, 1, 0.25));
        assertThat(create(CLASSIFIER, Map.of("class", "2"))).isEqualTo(new ClassifierGuidance(1, 2));
        assertThat(create(CLASSIFIER, Map.of("class", "0", "scale", "0"))).isEqualTo(new ClassifierGuidance(0, 0));
    }

    @Test
    void worksEndToEndFromPluginConfigsAndAJsonSpec(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("mix.json");
        GaussianMixture g = Exact.mixture8d();
        StringBuilder json = new StringBuilder("{\"weights\": [0.5, 0.3, 0.2], \"stds\": [0.6, 0.8, 0.45], \"means\": [");
        double[][] mu = g.means();
        for (int c = 0; c < mu.length; c++) {
            json.append(c > 0 ? ", " : "").append(java.util.Arrays.toString(mu[c]));
        }
        Files.writeString(spec, json.append("]}").toString());
        GmmModelFactory mf = new GmmModelFactory();
        ScoreModel model = mf.create(PluginConfig.of("model", mf, Map.of("spec", spec.toString())));
        VpSde.Factory sf = new VpSde.Factory();
        Sde sde = sf.create(PluginConfig.of("sde", sf, Map.of()));
        assertThat(model.numClasses()).isEqualTo(3);
        ScoreFunction f = model.scoreFunction(sde);
        f = create(CFG, Map.of("class", "2", "scale", "3")).wrap(f, model, sde);
        f = create(CLASSIFIER, Map.of("class", "0", "scale", "0.5")).wrap(f, model, sde);
        double t = 0.2;
        double[][] pts = Exact.points(g, sde, t, 6, 8);
        try (NDManager sub = nd.newSubManager()) {
            double[][] out = Exact.rows(f.score(Exact.array(sub, pts), t, Conditioning.NONE));
            for (int i = 0; i < pts.length; i++) {
                double[] expected = Exact.cfg(g, sde, t, 2, 3, pts[i]);
                double[] fd = Exact.fdGradLogPosterior(g, sde, t, 0, pts[i]);
                for (int j = 0; j < expected.length; j++) {
                    expected[j] += 0.5 * fd[j];
                }
                assertThat(Exact.dist(out[i], expected)).isLessThanOrEqualTo(1e-5 * (1 + Exact.norm(expected)));
            }
        }
    }

    @Test
    void rejectsScalesOutsideTheRange() {
        for (GuidanceFactory f : List.of(CFG, CLASSIFIER)) {
            for (String bad : new String[] {"-1", "-0.001", "101", "NaN", "Infinity", "x"}) {
                assertThatThrownBy(() -> create(f, Map.of("scale", bad, "class", "0")))
                        .as(f.name() + " scale=" + bad).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("guidance.scale").hasMessageContaining("[0, 100]");
            }
        }
        assertThatThrownBy(() -> new ClassifierGuidance(-1, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("guidance.scale");
        assertThatThrownBy(() -> new ClassifierFreeGuidance(Double.NaN, 0, 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("guidance.scale");
        assertThatThrownBy(() -> new ClassifierFreeGuidance(2, 0, -0.1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("guidance.t_min");
        assertThatThrownBy(() -> create(CFG, Map.of("t_min", "-1", "class", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("guidance.t_min");
    }

    @Test
    void requiresAClassOfTheModel() {
        for (GuidanceFactory f : List.of(CFG, CLASSIFIER)) {
            assertThatThrownBy(() -> create(f, Map.of())).as(f.name()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("guidance " + f.name()).hasMessageContaining("guidance.class")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> create(f, Map.of("class", "-1"))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("guidance.class");
            assertThatThrownBy(() -> create(f, Map.of("class", "1.5"))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("guidance.class");
            GmmScoreModel model = new GmmScoreModel(GaussianMixture.defaultMixture());
            Sde sde = VpSde.defaults();
            Guidance five = create(f, Map.of("class", "5"));
            assertThatThrownBy(() -> five.wrap(model.scoreFunction(sde), model, sde)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("guidance.class 5").hasMessageContaining("[0, 4]");
            assertThat(create(f, Map.of("class", "4")).wrap(model.scoreFunction(sde), model, sde)).isNotNull();
        }
        assertThatThrownBy(() -> new ClassifierGuidance(1, -2)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("guidance.class");
    }

    @Test
    void needsAClassConditionalModel() {
        Sde sde = VpSde.defaults();
        for (GuidanceFactory f : List.of(CFG, CLASSIFIER)) {
            Guidance guidance = create(f, Map.of("class", "0"));
            assertThatThrownBy(() -> guidance.wrap(UNCONDITIONAL.scoreFunction(sde), UNCONDITIONAL, sde))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("guidance " + f.name() + " needs a class-conditional model")
                    .hasMessageContaining("has no classes");
        }
    }

    @Test
    void aTrainedClassifierMustBeAClassifierFolder() {
        assertThatThrownBy(() -> create(CLASSIFIER, Map.of("class", "0", "classifier", "/models/noisy-classifier.pt")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("guidance.classifier")
                .hasMessageContaining("does not exist").hasMessageContaining("train-classifier");
    }

    @Test
    void refusesATminThatGuidanceNeverReaches() {
        GmmScoreModel model = new GmmScoreModel(GaussianMixture.defaultMixture());
        Sde sde = VpSde.defaults();
        Guidance late = create(CFG, Map.of("class", "0", "t_min", "1.5"));
        assertThatThrownBy(() -> late.wrap(model.scoreFunction(sde), model, sde)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("guidance.t_min").hasMessageContaining("t_end");
        assertThat(create(CFG, Map.of("class", "0", "t_min", "1")).wrap(model.scoreFunction(sde), model, sde))
                .isNotNull();
    }
}
