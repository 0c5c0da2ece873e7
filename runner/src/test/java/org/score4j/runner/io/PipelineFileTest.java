package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

class PipelineFileTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("pipeline.yaml"), text);
    }

    @Test
    void readsTheDocumentedExample() throws IOException {
        Path f = yaml("""
                sde: vp                      # or {name: vp, beta_max: 20}
                model: {name: gmm, spec: mixture.json}
                solver: pc
                predictor: reverse-diffusion
                corrector: {name: langevin, snr: 0.16, n_steps: 1}
                schedule: uniform
                guidance: []
                steps: 1000
                n: 1000
                seed: 0
                batch_size: 10000
                """);
        PipelineSpec s = PipelineFile.read(f);
        assertThat(s.sde()).isEqualTo(PluginRef.of("vp"));
        assertThat(s.model()).isEqualTo(new PluginRef("gmm", Map.of("spec", "mixture.json")));
        assertThat(s.solver()).isEqualTo(PluginRef.of("pc"));
        assertThat(s.predictor()).isEqualTo(PluginRef.of("reverse-diffusion"));
        assertThat(s.corrector()).isEqualTo(new PluginRef("langevin", Map.of("snr", "0.16", "n_steps", "1")));
        assertThat(s.schedule()).isEqualTo(PluginRef.of("uniform"));
        assertThat(s.guidances()).isEmpty();
        assertThat(s.steps()).isEqualTo(1000);
        assertThat(s.n()).isEqualTo(1000);
        assertThat(s.seed()).isZero();
        assertThat(s.batchSize()).isEqualTo(10000);
    }

    @Test
    void missingKeysKeepTheDefaultsAndAnEmptyFileIsTheDefault() throws IOException {
        assertThat(PipelineFile.read(yaml(""))).isEqualTo(PipelineSpec.defaults());
        assertThat(PipelineFile.read(yaml("# nothing but a comment\n"))).isEqualTo(PipelineSpec.defaults());
        PipelineSpec s = PipelineFile.read(yaml("steps: 50\nseed: -7\n"));
        assertThat(s).isEqualTo(PipelineSpec.defaults().withSteps(50).withSeed(-7));
        PipelineSpec base = PipelineSpec.defaults().withN(3).withPredictor(PluginRef.of("euler"));
        assertThat(PipelineFile.read(yaml("predictor: ~\n"), base)).isEqualTo(base.withPredictor(null));
    }

    @Test
    void configValuesKeepTheirWrittenText() throws IOException {
        PipelineSpec s = PipelineFile.read(yaml("""
                sde: {name: vp, beta_max: 20, beta_min: 1e-1, eps: 0.0010, exact: true, note: "a b", flag: False}
                """));
        assertThat(s.sde().config()).containsEntry("beta_max", "20").containsEntry("beta_min", "1e-1")
                .containsEntry("eps", "0.0010").containsEntry("exact", "true").containsEntry("note", "a b")
                .containsEntry("flag", "false");
    }

    @Test
    void guidanceIsAListOfNamesOrMaps() throws IOException {
        PipelineSpec s = PipelineFile.read(yaml("""
                guidance:
                  - cfg
                  - {name: classifier, scale: 2.5}
                """));
        assertThat(s.guidances()).containsExactly(PluginRef.of("cfg"),
                new PluginRef("classifier", Map.of("scale", "2.5")));
        assertThat(PipelineFile.read(yaml("guidance: cfg\n")).guidances()).containsExactly(PluginRef.of("cfg"));
        assertThat(PipelineFile.read(yaml("guidance: ~\n")).guidances()).isEmpty();
    }

    @Test
    void readsJsonFiles() throws IOException {
        Path f = Files.writeString(dir.resolve("p.json"), """
                {
                \t"sde": {"name": "ve", "sigma_max": 50.0},
                \t"steps": 20,
                \t"guidance": [{"name": "cfg", "scale": 3}]
                }
                """);
        PipelineSpec s = PipelineFile.read(f);
        assertThat(s.sde()).isEqualTo(new PluginRef("ve", Map.of("sigma_max", "50.0")));
        assertThat(s.steps()).isEqualTo(20);
        assertThat(s.guidances()).containsExactly(new PluginRef("cfg", Map.of("scale", "3")));
    }

    @Test
    void missingFileIsReported() {
        Path f = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> PipelineFile.read(f)).isInstanceOf(Score4jException.class)
                .hasMessage("cannot read pipeline file " + f + ": no such file");
    }

    @Test
    void syntaxErrorsNameTheLine() throws IOException {
        Path f = yaml("sde: vp\nsteps: 10\nmodel: {name: gmm\nn: 5\n");
        assertThatThrownBy(() -> PipelineFile.read(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + " line ").hasMessageContaining("YAML syntax error")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path g = yaml("sde: vp\n  steps: 10\n");
        assertThatThrownBy(() -> PipelineFile.read(g)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(g + " line 2: YAML syntax error");
        Path j = Files.writeString(dir.resolve("p.json"), "{\n\"steps\": 10,\n}\n");
        assertThatThrownBy(() -> PipelineFile.read(j)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(j + " line 3: JSON syntax error");
    }

    @Test
    void unknownKeysListTheAllowedOnes() throws IOException {
        Path f = yaml("sde: vp\nstep: 10\n");
        assertThatThrownBy(() -> PipelineFile.read(f)).isInstanceOf(ConfigException.class)
                .hasMessage(f + " line 2: unknown key 'step'; allowed: sde, model, solver, predictor, corrector, "
                        + "schedule, guidance, steps, n, seed, batch_size");
    }

    @Test
    void wrongTypesAndRangesAreReported() throws IOException {
        expect("steps: \"abc\"\n", "line 1: steps must be a positive integer, got \"abc\"");
        expect("n: -1\n", "line 1: n must be a positive integer (at most 2147483647), got -1");
        expect("batch_size: 0\n", "line 1: batch_size must be a positive integer (at most 2147483647), got 0");
        expect("steps: 2.5\n", "line 1: steps must be a positive integer, got 2.5");
        expect("steps: 99999999999\n", "line 1: steps must be a positive integer (at most 2147483647), got 99999999999");
        expect("seed: 99999999999999999999\n", "line 1: seed must be a 64-bit integer, got 99999999999999999999");
        expect("n: [1, 2]\n", "line 1: n must be a positive integer, got a list");
        expect("sde: [vp]\n", "line 1: sde must be a plugin name or a map {name: …, key: value, …}, got a list");
        expect("model: 3\n", "line 1: model must be a plugin name or a map {name: …, key: value, …}, got 3");
        expect("solver: ~\n", "line 1: solver must be a plugin name or a map {name: …, key: value, …}, got nothing");
        expect("- sde\n- vp\n", "line 1: expected a map of pipeline keys");
        expect("sde: {name: vp, beta: {a: 1}}\n", "line 1: sde.beta must be a number, text or true/false, got a map");
        expect("guidance: [cfg, [x]]\n", "line 1: guidance[1] must be a plugin name or a map");
    }

    @Test
    void pluginMapsNeedAName() throws IOException {
        expect("sde:\n  beta_max: 20\n", "line 2: sde needs a 'name' (the plugin), e.g. {name: vp, …}; got keys beta_max");
        expect("corrector: {name: 5}\n", "line 1: corrector.name must be a plugin name, got 5");
    }

    @Test
    void keysGivenTwiceAreReported() throws IOException {
        expect("steps: 1\nn: 2\nsteps: 3\n", "line 3: key 'steps' given twice (first on line 1)");
    }

    @Test
    void relativePathsAreLeftAsWritten() throws IOException {
        PipelineSpec s = PipelineFile.read(yaml("model: {name: gmm, spec: ../data/mix.json}\n"));
        assertThat(s.model().config()).containsEntry("spec", "../data/mix.json");
    }

    private void expect(String text, String message) throws IOException {
        Path f = yaml(text);
        assertThatThrownBy(() -> PipelineFile.read(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + " " + message);
    }

    @Test
    void parsesTextWithASourceName() {
        PipelineSpec s = PipelineFile.parse("{\"n\": 7}", "request", true, PipelineSpec.defaults());
        assertThat(s.n()).isEqualTo(7);
        assertThatThrownBy(() -> PipelineFile.parse("n: x", "request", false, PipelineSpec.defaults()))
                .hasMessage("request line 1: n must be a positive integer, got \"x\"");
        assertThat(PipelineFile.KEYS).hasSize(11).containsAll(List.of("guidance", "batch_size"));
    }
}
