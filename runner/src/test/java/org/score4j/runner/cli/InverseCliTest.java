package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.assertOneLineError;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.runner.cli.CliTest.Result;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.testing.PluginJars;

/** {@code score4j measure} and {@code score4j inverse}: outputs, provenance, determinism and bad input. */
class InverseCliTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    /** Three 2-D points. */
    private Path points() {
        Path x = dir.resolve("x.npy");
        Npy.write(x, new float[] {-3, 3, 3, 3, 0.2f, -0.1f}, 3, 2);
        return x;
    }

    @Test
    void measureWritesNoisyMeasurementsDeterministically() throws Exception {
        points();
        Result r = run("measure", "--operator", "inpaint", "--set", "operator.noise=0.1", "--data", p("x.npy"),
                "--out", p("y.npy"), "--seed", "4");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote").contains("3 measurements of shape (1,)");
        NpyArray y = Npy.read(dir.resolve("y.npy"));
        assertThat(y.shape()).containsExactly(3, 1);
        assertThat(y.dtype()).isEqualTo("<f4");
        float[] v = y.floats();
        float[] x = {-3, 3, 0.2f};
        for (int i = 0; i < 3; i++) {
            assertThat(Math.abs(v[i] - x[i])).isBetween(1e-6f, 0.5f);
        }
        Map<String, Object> prov = json(dir.resolve("y.json"));
        assertThat(prov).containsEntry("command", "measure").containsEntry("seed", 4).containsEntry("noise_std", 0.1)
                .containsEntry("api_version", org.score4j.api.ApiVersion.string()).containsEntry("shape", List.of(3, 1));
        assertThat(map(prov.get("operator")).get("name")).isEqualTo("inpaint");
        assertThat(map(map(prov.get("operator")).get("config"))).containsEntry("noise", 0.1);
        // same seed, same bits, whatever the batch size; another seed, other noise
        assertThat(run("measure", "--operator", "inpaint", "--set", "operator.noise=0.1", "--data", p("x.npy"),
                "--out", p("y2.npy"), "--seed", "4", "--batch-size", "1").code()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("y2.npy"))).isEqualTo(Files.readAllBytes(dir.resolve("y.npy")));
        assertThat(run("measure", "--operator", "inpaint", "--set", "operator.noise=0.1", "--data", p("x.npy"),
                "--out", p("y3.npy"), "--seed", "5").code()).isZero();
        assertThat(Npy.read(dir.resolve("y3.npy")).floats()).isNotEqualTo(v);
        // without noise the measurement is A x
        assertThat(run("measure", "--operator", "inpaint", "--data", p("x.npy"), "--out", p("y0.npy")).code())
                .isZero();
        assertThat(Npy.read(dir.resolve("y0.npy")).floats()).containsExactly(x);
    }

    @Test
    void inverseDrawsNSamplesPerMeasurementRow() throws Exception {
        points();
        assertThat(run("measure", "--operator", "inpaint", "--set", "operator.noise=0.01", "--data", p("x.npy"),
                "--out", p("y.npy")).code()).isZero();
        String[] args = {"inverse", "--operator", "inpaint", "--set", "operator.noise=0.01", "--method",
            "projection", "--measurement", p("y.npy"), "--n", "4", "--steps", "40", "--seed", "2", "--out",
            p("post.npy"), "--events", p("e.jsonl")};
        Result r = run(args);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 posterior samples for each of 3 measurements");
        NpyArray post = Npy.read(dir.resolve("post.npy"));
        assertThat(post.shape()).containsExactly(12, 2);
        float[] y = Npy.read(dir.resolve("y.npy")).floats();
        float[] v = post.floats();
        for (int k = 0; k < 12; k++) {
            // projection pins the observed coordinate of sample k to m(t0) times its row's measurement
            assertThat(v[2 * k]).as("sample %d", k).isCloseTo(y[k / 4], org.assertj.core.data.Offset.offset(1e-3f));
        }
        Map<String, Object> prov = json(dir.resolve("post.json"));
        assertThat(prov).containsEntry("command", "inverse").containsEntry("measurement_rows", 3)
                .containsEntry("samples_per_measurement", 4).containsEntry("n", 12)
                .containsEntry("shape", List.of(12, 2)).containsEntry("measurement_shape", List.of(1));
        assertThat(map(prov.get("operator")).get("name")).isEqualTo("inpaint");
        assertThat(map(prov.get("method")).get("name")).isEqualTo("projection");
        assertThat(map(map(prov.get("method")).get("config"))).containsEntry("lambda", 1.0);
        assertThat(files()).contains("post.npy", "post.json", "e.jsonl");
        // same seed, same bits, whatever the batch size
        args[args.length - 3] = p("post2.npy");
        String[] batched = Stream.concat(Stream.of(args), Stream.of("--batch-size", "5")).toArray(String[]::new);
        assertThat(run(batched).code()).isZero();
        assertThat(Npy.read(dir.resolve("post2.npy")).floats()).containsExactly(v);
    }

    @Test
    void dpsSamplesImagesOfAnImageShapedMixture() throws Exception {
        Path spec = dir.resolve("img.json");
        StringBuilder mean = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            mean.append(i == 0 ? "" : ", ").append(i % 4 < 2 ? "0.5" : "-0.5");
        }
        Files.writeString(spec, "{\"weights\": [1], \"means\": [[" + mean + "]], \"stds\": [0.3]}");
        Path x = dir.resolve("img.npy");
        float[] img = new float[2 * 16];
        for (int i = 0; i < img.length; i++) {
            img[i] = i % 4 < 2 ? 0.6f : -0.4f;
        }
        Npy.write(x, img, 2, 1, 4, 4);
        assertThat(run("measure", "--operator", "super-resolution", "--set", "operator.noise=0.05", "--data",
                p("img.npy"), "--out", p("y.npy")).code()).isZero();
        assertThat(Npy.read(dir.resolve("y.npy")).shape()).containsExactly(2, 1, 2, 2);
        Result r = run("inverse", "--set", "model.spec=" + spec, "--set", "model.shape=1,4,4", "--operator",
                "super-resolution", "--set", "operator.noise=0.05", "--method", "dps", "--set", "method.zeta=0.5",
                "--solver", "ode", "--steps", "30", "--measurement", p("y.npy"), "--n", "3", "--out", p("post.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Npy.read(dir.resolve("post.npy")).shape()).containsExactly(6, 1, 4, 4);
        assertThat(map(map(json(dir.resolve("post.json")).get("method")).get("config"))).containsEntry("zeta", 0.5);
    }

    @Test
    void dpsStaysFiniteAtSmallMeasurementNoise() throws Exception {
        // points of the built-in 2-D mixture, the first coordinate observed with σ_y = 0.01; the DPS term of the
        // paper (gamma 0) is stiff there (ζ/σ_y² times the gain of x̂₀) and the sampler's explicit steps diverge;
        // the default gamma 0.1 keeps them finite and the observed coordinate within 5σ_y of the measurement
        Npy.write(dir.resolve("x.npy"), new float[] {3.19f, 2.38f, 3.32f, 3.22f, 3.17f, 3.65f, -2.74f, 4.33f}, 4, 2);
        assertThat(run("measure", "--operator", "inpaint", "--set", "operator.noise=0.01", "--data", p("x.npy"),
                "--out", p("y.npy")).code()).isZero();
        float[] y = Npy.read(dir.resolve("y.npy")).floats();
        for (String steps : List.of("1000")) {
            Result r = run("inverse", "--operator", "inpaint", "--set", "operator.noise=0.01", "--method", "dps",
                    "--steps", steps, "--measurement", p("y.npy"), "--n", "50", "--out", p("post" + steps + ".npy"));
            assertThat(r.code()).as(r.err()).isZero();
            float[] v = Npy.read(dir.resolve("post" + steps + ".npy")).floats();
            for (int k = 0; k < 200; k++) {
                assertThat(v[2 * k]).isFinite();
                assertThat(v[2 * k + 1]).isFinite();
                assertThat(Math.abs(v[2 * k] - y[k / 50])).as("steps %s, sample %d", steps, k).isLessThan(0.05f);
            }
        }
        assertThat(map(map(json(dir.resolve("post1000.json")).get("method")).get("config")))
                .containsEntry("gamma", 0.1);
        Result paper = run("inverse", "--operator", "inpaint", "--set", "operator.noise=0.01", "--method", "dps",
                "--set", "method.gamma=0", "--measurement", p("y.npy"), "--n", "50", "--out", p("paper.npy"));
        assertOneLineError(paper, 1, "NaN or infinite");
        assertThat(Files.exists(dir.resolve("paper.npy"))).isFalse();
    }

    @Test
    void badInputFailsWithOneLineAndWritesNothing() throws Exception {
        points();
        Path y = dir.resolve("y.npy");
        Npy.write(y, new float[] {1, 2, 3}, 3, 1);
        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, new float[] {1, Float.NaN, 3}, 3, 1);
        Path mask = dir.resolve("mask.npy");
        Npy.write(mask, new float[] {1, 0, 1}, 3);
        List<String> before = files();
        String out = p("out.npy");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--measurement",
                wide.toString(), "--out", out), 2, "has shape (3, 2)", "measures (1,)", "expected (3, 1)");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--set", "operator.mask=" + mask, "--method",
                "projection", "--measurement", y.toString(), "--out", out), 2, "operator.mask has shape (3,)",
                "(2,)");
        assertOneLineError(run("measure", "--operator", "inpaint", "--set", "operator.mask=" + mask, "--data",
                p("x.npy"), "--out", out), 2, "operator.mask has shape (3,)");
        assertOneLineError(run("measure", "--operator", "inpaint", "--set", "operator.noise=-0.5", "--data",
                p("x.npy"), "--out", out), 2, "operator.noise", "[0, 1000]");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--set", "operator.noise=0.1", "--method", "dps",
                "--set", "method.zeta=-1", "--measurement", y.toString(), "--out", out), 2, "method.zeta");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "dps", "--measurement", y.toString(),
                "--out", out), 2, "operator.noise > 0");
        assertOneLineError(run("inverse", "--operator", "blur", "--method", "dps", "--measurement", y.toString(),
                "--out", out), 2, "unknown operator 'blur'", "deblur", "inpaint");
        assertOneLineError(run("measure", "--operator", "blur", "--data", p("x.npy"), "--out", out), 2,
                "unknown operator 'blur'");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "replace", "--measurement",
                y.toString(), "--out", out), 2, "unknown method 'replace'", "dps, projection");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--solver", "ode",
                "--measurement", y.toString(), "--out", out), 2, "needs a predictor-corrector solver");
        assertOneLineError(run("inverse", "--operator", "super-resolution", "--method", "projection",
                "--measurement", y.toString(), "--out", out), 2, "image samples", "model.shape");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--measurement",
                nan.toString(), "--out", out), 2, "non-finite");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--measurement",
                p("none.npy"), "--out", out), 2, "none.npy");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--n", "0",
                "--measurement", y.toString(), "--out", out), 2, "--n", ">= 1");
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--set",
                "guidance.scale=2", "--measurement", y.toString(), "--out", out), 2, "--set guidance.scale needs a guidance",
                "--guidance NAME");
        assertOneLineError(run("measure", "--operator", "inpaint", "--set", "method.zeta=1", "--data", p("x.npy"),
                "--out", out), 2, "unknown kind 'method'");
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void aNonLinearOperatorWorksWithDpsButNotWithProjection() throws Exception {
        String source = """
                package com.example.square;

                import ai.djl.ndarray.NDArray;
                import ai.djl.ndarray.types.Shape;
                import java.util.List;
                import java.util.Map;
                import org.score4j.api.ApiVersion;
                import org.score4j.api.inverse.MeasurementOperator;
                import org.score4j.api.inverse.Operator;
                import org.score4j.api.plugin.ConfigKey;
                import org.score4j.api.plugin.OperatorFactory;
                import org.score4j.api.plugin.PluginConfig;
                import org.score4j.api.plugin.Score4jPlugin;

                public final class SquarePlugin implements Score4jPlugin {
                    public int apiMajor() { return ApiVersion.MAJOR; }

                    public List<OperatorFactory> operators() {
                        return List.of(new OperatorFactory() {
                            public String name() { return "square"; }
                            public String description() { return "y = x^2 element-wise, plus noise"; }
                            public Map<String, ConfigKey> configKeys() {
                                return Map.of("noise", ConfigKey.ofDouble("noise", 0.1, 0, 10, "noise std"));
                            }
                            public Operator create(PluginConfig config) {
                                double noise = config.getDouble("noise");
                                return shape -> new MeasurementOperator() {
                                    public Shape sampleShape() { return shape; }
                                    public Shape measurementShape() { return shape; }
                                    public double noiseStd() { return noise; }
                                    public NDArray apply(NDArray x) { return x.square(); }
                                    public String toString() { return "square"; }
                                };
                            }
                        });
                    }
                }
                """;
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.buildFromSource("com.example.square.SquarePlugin", source, plugins.resolve("square.jar"),
                Files.createDirectories(dir.resolve("work")));
        points();
        String pd = plugins.toString();
        assertThat(run("--plugins-dir", pd, "measure", "--operator", "square", "--data", p("x.npy"), "--out",
                p("y.npy")).code()).isZero();
        assertThat(Npy.read(dir.resolve("y.npy")).shape()).containsExactly(3, 2);
        Result projection = run("--plugins-dir", pd, "inverse", "--operator", "square", "--method", "projection",
                "--measurement", p("y.npy"), "--out", p("p.npy"));
        assertOneLineError(projection, 2, "method projection needs a linear operator", "use method dps");
        assertThat(Files.exists(dir.resolve("p.npy"))).isFalse();
        // the gradient of ‖y − x̂₀²‖²/(2σ²) is steep at |x| ≈ 3: a small ζ keeps 100 steps stable
        Result dps = run("--plugins-dir", pd, "inverse", "--operator", "square", "--method", "dps", "--set",
                "method.zeta=0.01", "--steps", "100", "--measurement", p("y.npy"), "--n", "2", "--out", p("d.npy"));
        assertThat(dps.code()).as(dps.err()).isZero();
        assertThat(Npy.read(dir.resolve("d.npy")).shape()).containsExactly(6, 2);
    }
}
