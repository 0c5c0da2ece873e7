package org.score4j.runner.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ApiVersion;
import org.score4j.api.event.RunCompleted;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;

class ProvenanceTest {
    @TempDir
    Path dir;

    private static PipelineSpec spec() {
        return PipelineSpec.defaults()
                .withSde(PluginRef.of("vp").with("beta_max", "20"))
                .withCorrector(PluginRef.of("langevin").with("snr", "0.16"))
                .withGuidances(List.of(PluginRef.of("cfg").with("scale", "2")))
                .withSeed(42).withN(500).withSteps(100).withBatchSize(250);
    }

    @Test
    void recordsVersionsSizesAndPluginsInOrder() {
        Map<String, Object> p = Provenance.builder(spec())
                .created(Instant.parse("2025-03-01T12:00:00.123456Z"))
                .put("nfe", 200L).put("elapsed_seconds", 1.5).put("samples", "samples.npy")
                .put("dtype", "float32").put("shape", List.of(500, 2))
                .build();
        assertThat(p.keySet()).containsExactly("score4j_version", "api_version", "created", "seed", "n", "steps",
                "batch_size", "sde", "model", "solver", "corrector", "guidances", "nfe",
                "elapsed_seconds", "samples", "dtype", "shape");
        assertThat(p.get("score4j_version")).isEqualTo(Provenance.FALLBACK_VERSION);
        assertThat(p.get("api_version")).isEqualTo(ApiVersion.string());
        assertThat(p.get("created")).isEqualTo("2025-03-01T12:00:00.123Z");
        assertThat(p.get("seed")).isEqualTo(42L);
        assertThat(p.get("n")).isEqualTo(500);
        assertThat(p.get("steps")).isEqualTo(100);
        assertThat(p.get("batch_size")).isEqualTo(250);
        assertThat(p.get("sde")).isEqualTo(Map.of("name", "vp", "config", Map.of("beta_max", "20")));
        assertThat(p.get("model")).isEqualTo(Map.of("name", "gmm", "config", Map.of()));
        assertThat(p.get("guidances")).isEqualTo(List.of(Map.of("name", "cfg", "config", Map.of("scale", "2"))));
        // the spec leaves the predictor and the time grid to the solver's defaults: omitted until resolved
        assertThat(p).doesNotContainKey("predictor").doesNotContainKey("schedule").doesNotContainValue(null);
        // fits into a completion event (no null values)
        assertThat(new RunCompleted("r", 500, 200, 1.5, p).provenance()).isEqualTo(p);
    }

    @Test
    void resolvedPluginsReplaceTheSpecsOnes() {
        Map<String, Object> p = Provenance.builder(spec())
                .plugin("predictor", "reverse-diffusion", Map.of())
                .plugin("schedule", "uniform", Map.of())
                .plugin("sde", "vp", Map.of("beta_min", 0.1, "beta_max", 20.0))
                .build();
        assertThat(p.keySet()).containsSubsequence("sde", "model", "solver", "predictor", "corrector", "schedule");
        assertThat(p.get("predictor")).isEqualTo(Map.of("name", "reverse-diffusion", "config", Map.of()));
        assertThat(p.get("schedule")).isEqualTo(Map.of("name", "uniform", "config", Map.of()));
        assertThat(((Map<?, ?>) p.get("sde")).get("config")).isEqualTo(Map.of("beta_min", 0.1, "beta_max", 20.0));
        assertThatThrownBy(() -> Provenance.builder(spec()).plugin("bogus", "x", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Provenance.builder(spec()).put("seed", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScheduleNamedInTheSpecIsRecorded() {
        Map<String, Object> p = Provenance.builder(spec().withSchedule(PluginRef.of("karras").with("rho", "7")))
                .build();
        assertThat(p.keySet()).containsSubsequence("solver", "corrector", "schedule", "guidances");
        assertThat(p.get("schedule")).isEqualTo(Map.of("name", "karras", "config", Map.of("rho", "7")));
    }

    @Test
    void writtenAsJsonBesideTheOutput() {
        Path out = dir.resolve("samples.npy");
        Path json = Provenance.pathBeside(out);
        assertThat(json).isEqualTo(dir.resolve("samples.json"));
        Json.writeJson(json, Provenance.of(spec(), Map.of("nfe", 7)));
        Map<String, Object> back = Json.readObject(json);
        assertThat(back.get("nfe")).isEqualTo(7);
        assertThat(back.get("seed")).isEqualTo(42);
        assertThat(back.keySet()).startsWith("score4j_version", "api_version", "created");
    }

    @Test
    void pathBesideReplacesTheExtension() {
        assertThat(Provenance.pathBeside(Path.of("out/x.png"))).isEqualTo(Path.of("out/x.json"));
        assertThat(Provenance.pathBeside(Path.of("samples"))).isEqualTo(Path.of("samples.json"));
        assertThat(Provenance.pathBeside(Path.of("a.b.npy"))).isEqualTo(Path.of("a.b.json"));
        assertThat(Provenance.pathBeside(Path.of("ll.json"))).isEqualTo(Path.of("ll.provenance.json"));
        assertThat(Provenance.pathBeside(Path.of(".hidden"))).isEqualTo(Path.of(".hidden.json"));
    }
}
