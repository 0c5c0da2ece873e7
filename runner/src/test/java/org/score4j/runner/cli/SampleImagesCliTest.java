package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.runner.io.IoWriter;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.testing.PluginJars;
import org.score4j.runner.testing.SyntheticIdx;
import org.score4j.runner.testing.SyntheticImages;
import org.score4j.runner.train.Checkpoint;

/**
 * Image outputs of {@code score4j sample}: a test-only image model plugin (the exact score of Gaussian images
 * N(μ, s²I) around class 0's horizontal-bar pattern of {@link SyntheticImages}, in model space [−1, 1]) sampled
 * from a checkpoint whose manifest records the byte scaling, and without one; then {@code evaluate --data mnist}
 * on what {@code sample} wrote; and {@code likelihood} of image data in the data's units (a file, a byte data set
 * dequantized with 256 levels) against the Gaussian's closed-form density.
 */
class SampleImagesCliTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path plugins;

    /** Model-space levels of the pattern's on (220) and off (30) pixels. */
    static final double ON = 220 / 127.5 - 1;
    static final double OFF = 30 / 127.5 - 1;

    @BeforeAll
    static void buildPlugin() throws Exception {
        plugins = Files.createDirectories(shared.resolve("plugins"));
        PluginJars.buildFromSource("org.other.GaussImages", """
                package org.other;
                import ai.djl.ndarray.NDArray;
                import ai.djl.ndarray.types.Shape;
                import java.util.LinkedHashMap;
                import java.util.List;
                import java.util.Map;
                import org.score4j.api.model.*;
                import org.score4j.api.plugin.*;
                import org.score4j.api.sde.Marginal;
                import org.score4j.api.sde.Sde;
                /** Exact score of N(mu, s^2 I) images: a bar (rows 3, 4) at level 'on' in channel 0, 'off' elsewhere. */
                public final class GaussImages implements Score4jPlugin {
                    public int apiMajor() { return org.score4j.api.ApiVersion.MAJOR; }
                    public List<ModelFactory> models() {
                        return List.of(new ModelFactory() {
                            public String name() { return "gauss-images"; }
                            public String description() { return "test: Gaussian images around a bar"; }
                            public Map<String, ConfigKey> configKeys() {
                                Map<String, ConfigKey> k = new LinkedHashMap<>();
                                k.put("channels", ConfigKey.ofInt("channels", 1, 1, 4, "channels"));
                                k.put("on", ConfigKey.ofDouble("on", %s, -5, 5, "bar level"));
                                k.put("std", ConfigKey.ofDouble("std", 0.05, 0, 1, "pixel std"));
                                k.put("checkpoint", ConfigKey.ofPath("checkpoint", null, "ignored"));
                                return k;
                            }
                            public ScoreModel create(PluginConfig c) {
                                int ch = c.getInt("channels");
                                double on = c.getDouble("on");
                                double s = c.getDouble("std");
                                float[] mu = new float[ch * 64];
                                for (int k = 0; k < ch; k++) {
                                    for (int y = 0; y < 8; y++) {
                                        for (int x = 0; x < 8; x++) {
                                            mu[k * 64 + y * 8 + x] = (float) (k == 0 && (y == 3 || y == 4) ? on : %s);
                                        }
                                    }
                                }
                                return new ScoreModel() {
                                    public Shape sampleShape() { return new Shape(ch, 8, 8); }
                                    public ScoreFunction scoreFunction(Sde sde) {
                                        return (x, t, cond) -> {
                                            double[] ts = t.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                                                    .toDoubleArray();
                                            int n = ts.length;
                                            float[] a = new float[n];
                                            float[] inv = new float[n];
                                            for (int i = 0; i < n; i++) {
                                                Marginal m = sde.marginal(ts[i]);
                                                a[i] = (float) m.mean();
                                                inv[i] = (float) (-1 / (m.mean() * m.mean() * s * s
                                                        + m.std() * m.std()));
                                            }
                                            var nd = x.getManager();
                                            NDArray mean = nd.create(mu, new Shape(1, ch, 8, 8))
                                                    .mul(nd.create(a, new Shape(n, 1, 1, 1)));
                                            return x.sub(mean.toType(x.getDataType(), false))
                                                    .mul(nd.create(inv, new Shape(n, 1, 1, 1))
                                                            .toType(x.getDataType(), false));
                                        };
                                    }
                                };
                            }
                        });
                    }
                }
                """.formatted(ON, OFF), plugins.resolve("gauss-images.jar"), Files.createDirectories(shared.resolve("w")));
    }

    /** A checkpoint of model gauss-images whose manifest records the byte scaling (weights are dummies). */
    private Path checkpoint(Map<String, String> modelConfig) {
        Path run = dir.resolve("run");
        try {
            Files.createDirectories(run);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", Map.of("name", "gauss-images", "config", modelConfig));
        m.put("sde", Map.of("name", "vp", "config", Map.of()));
        m.put("data", Map.of("name", "mnist", "config", Map.of(), "sample_shape", List.of(1, 8, 8),
                "scaling", Map.of("scale", 1 / 127.5, "offset", -1.0)));
        IoWriter dummy = out -> out.write(new byte[] {1, 2, 3});
        Map<String, IoWriter> files = new LinkedHashMap<>();
        files.put(CheckpointLayout.EMA_WEIGHTS, dummy);
        files.put(CheckpointLayout.WEIGHTS, dummy);
        files.put(CheckpointLayout.OPTIMIZER, dummy);
        return Checkpoint.write(run, 10, m, files);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private CliTest.Result sample(String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("sample", "--plugins-dir", plugins.toString(), "--solver",
                "ode", "--set", "solver.method=heun", "--steps", "25", "--schedule", "quadratic", "--no-progress"));
        a.addAll(List.of(more));
        return run(a.toArray(String[]::new));
    }

    @Test
    void checkpointSamplesAreImagesInTheDataUnitsWithAGrid() throws Exception {
        Path ck = checkpoint(Map.of());
        CliTest.Result r = sample("--checkpoint", ck.toString(), "--n", "20", "--out", p("s.npy"), "--png", p("s.png"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("images in the data's units [0, 255]");
        NpyArray a = Npy.read(dir.resolve("s.npy"));
        assertThat(a.shape()).containsExactly(20, 1, 8, 8);
        float[] v = a.asFloats();
        float[] pattern = SyntheticImages.pattern(0);
        // per pixel N(pattern, 6.4²) in bytes (std 0.05 in model space): the pooled means of the bar (220) and
        // background (30) pixels over 20 images are within 1.5, and the pooled spread is near 6.4
        double[] sum = new double[2];
        double[] count = new double[2];
        double squares = 0;
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 64; j++) {
                float x = v[i * 64 + j];
                assertThat(x).isBetween(0f, 255f);
                int on = pattern[j] > 100 ? 1 : 0;
                sum[on] += x;
                count[on]++;
                squares += (x - pattern[j]) * (x - pattern[j]);
            }
        }
        assertThat(sum[1] / count[1]).isCloseTo(220, org.assertj.core.data.Offset.offset(1.5));
        assertThat(sum[0] / count[0]).isCloseTo(30, org.assertj.core.data.Offset.offset(1.5));
        assertThat(Math.sqrt(squares / (20 * 64))).isBetween(5.0, 8.0);
        Map<String, Object> prov = json(dir.resolve("s.json"));
        Map<String, Object> values = map(prov.get("values"));
        assertThat(values.get("units")).isEqualTo("data");
        assertThat(map(values.get("scaling")).get("scale")).isEqualTo(1 / 127.5);
        assertThat(map(values.get("scaling")).get("offset")).isEqualTo(-1.0);
        assertThat(values.get("clip")).isEqualTo(List.of(0, 255));
        assertThat(map(prov.get("png_grid")).get("columns")).isEqualTo(5);
        assertThat(prov.get("sample_shape")).isEqualTo(List.of(1, 8, 8));

        BufferedImage png = ImageIO.read(dir.resolve("s.png").toFile());
        // 20 images of 8x8 at zoom 8: 5 columns x 4 rows of 64-pixel tiles, 2-pixel padding
        assertThat(png.getWidth()).isEqualTo(5 * 64 + 6 * 2);
        assertThat(png.getHeight()).isEqualTo(4 * 64 + 5 * 2);
        assertThat(png.getColorModel().getNumComponents()).isEqualTo(1);
        // image 6 (row 1, column 1), pixel (3, 5): the grid shows the .npy value
        int x = 2 + 1 * 66 + 5 * 8 + 4;
        int y = 2 + 1 * 66 + 3 * 8 + 4;
        assertThat(png.getRaster().getSample(x, y, 0)).isEqualTo(Math.round(v[6 * 64 + 3 * 8 + 5]));

        CliTest.Result small = sample("--checkpoint", ck.toString(), "--n", "20", "--png", p("g.png"), "--grid", "4",
                "--grid-columns", "4");
        assertThat(small.code()).as(small.err()).isZero();
        BufferedImage g = ImageIO.read(dir.resolve("g.png").toFile());
        assertThat(g.getWidth()).isEqualTo(4 * 64 + 5 * 2);
        assertThat(g.getHeight()).isEqualTo(64 + 2 * 2);
        assertThat(map(json(dir.resolve("g.json")).get("png_grid")).get("images")).isEqualTo(4);
        assertThat(dir.resolve("g.npy")).doesNotExist();
    }

    @Test
    void byteDataAreClippedAndRgbImagesGiveAnRgbGrid() throws Exception {
        // bar pixels at model-space 1.5 (stored 318.75) are clipped to 255; 3 channels, the bar in red
        Path ck = checkpoint(Map.of("on", "1.5", "channels", "3"));
        CliTest.Result r = sample("--checkpoint", ck.toString(), "--n", "4", "--out", p("c.npy"), "--png", p("c.png"));
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray a = Npy.read(dir.resolve("c.npy"));
        assertThat(a.shape()).containsExactly(4, 3, 8, 8);
        float[] v = a.asFloats();
        for (int i = 0; i < 4; i++) {
            for (int x = 0; x < 8; x++) {
                assertThat(v[i * 192 + 3 * 8 + x]).isEqualTo(255f);
                assertThat(v[i * 192 + 64 + 3 * 8 + x]).isBetween(0f, 60f);
            }
        }
        BufferedImage png = ImageIO.read(dir.resolve("c.png").toFile());
        assertThat(png.getColorModel().getNumComponents()).isEqualTo(3);
        int rgb = png.getRGB(2 + 3 * 8 + 4, 2 + 3 * 8 + 4);
        assertThat((rgb >> 16) & 0xff).isEqualTo(255);
        assertThat((rgb >> 8) & 0xff).isEqualTo(Math.round(v[64 + 3 * 8 + 3]));
        assertThat(rgb & 0xff).isEqualTo(Math.round(v[128 + 3 * 8 + 3]));
    }

    @Test
    void withoutACheckpointImagesStayInModelSpace() throws Exception {
        CliTest.Result r = sample("--model", "gauss-images", "--n", "6", "--out", p("m.npy"), "--png", p("m.png"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("images in model space");
        float[] v = Npy.read(dir.resolve("m.npy")).asFloats();
        assertThat(v[3 * 8]).isCloseTo((float) ON, org.assertj.core.data.Offset.offset(0.25f));
        assertThat(v[0]).isCloseTo((float) OFF, org.assertj.core.data.Offset.offset(0.25f));
        Map<String, Object> prov = json(dir.resolve("m.json"));
        assertThat(map(prov.get("values")).get("units")).isEqualTo("model");
        assertThat(map(prov.get("png_grid")).get("range")).isEqualTo(List.of(-1.0, 1.0));
        BufferedImage png = ImageIO.read(dir.resolve("m.png").toFile());
        int level = png.getRaster().getSample(2 + 3 * 8 + 4, 2 + 3 * 8 + 4, 0);
        assertThat(level).isEqualTo((int) Math.round(255 * Math.max(0, Math.min(1, (v[3 * 8 + 3] + 1) / 2.0))));
    }

    @Test
    void gridOptionsAreCheckedAndRefusedForVectors() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        CliTest.Result vec = run("sample", "--grid", "16", "--steps", "5", "--n", "3", "--out",
                out.resolve("v.npy").toString());
        assertThat(vec.code()).isEqualTo(2);
        assertThat(vec.err().strip()).isEqualTo("score4j: error: --grid applies to image samples (C, H, W); model "
                + "'gmm' gives samples of shape (2)");
        CliTest.Result zero = sample("--model", "gauss-images", "--grid-columns", "0", "--out",
                out.resolve("z.npy").toString());
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--grid-columns").contains(">= 1");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void evaluateReadsWhatSampleWrites() throws Exception {
        Path root = SyntheticIdx.write(dir.resolve("mnist"), 450, 150, true);
        Path ck = checkpoint(Map.of());
        CliTest.Result s = sample("--checkpoint", ck.toString(), "--n", "40", "--out", p("s.npy"));
        assertThat(s.code()).as(s.err()).isZero();
        CliTest.Result e = run("evaluate", "--samples", p("s.npy"), "--data", "mnist", "--set", "data.root=" + root,
                "--classifier", p("cls"), "--epochs", "6", "--json", "--no-progress");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.err()).doesNotContain("--scale model");
        Map<String, Object> m = json(e.out());
        assertThat(m.get("n")).isEqualTo(40);
        assertThat(m.get("reference_n")).isEqualTo(150);
        assertThat(((Number) m.get("classifier_accuracy")).doubleValue()).isGreaterThan(0.95);
        List<?> hist = (List<?>) m.get("histogram");
        assertThat(hist).hasSize(10);
        assertThat(((Number) hist.get(0)).intValue()).as("all of class 0: %s", hist).isGreaterThanOrEqualTo(38);
        assertThat(((Number) m.get("confidence")).doubleValue()).isGreaterThan(0.8);
    }

    /**
     * −log N(x; m(t)μ, (m(t)²s² + σ(t)²)I) for model-space images {@code x} [n, 64]: the VP SDE's marginal at t of
     * gauss-images' N(μ, s²I).
     */
    private static double[] gaussNll(double[] x, int n, double t) {
        double s = 0.05;
        org.score4j.api.sde.Marginal at = org.score4j.sde.VpSde.defaults().marginal(t);
        double var = at.mean() * at.mean() * s * s + at.std() * at.std();
        double[] nll = new double[n];
        for (int i = 0; i < n; i++) {
            double q = 0;
            for (int j = 0; j < 64; j++) {
                double mu = at.mean() * (j / 8 == 3 || j / 8 == 4 ? ON : OFF);
                double z = x[i * 64 + j] - mu;
                q += z * z / var;
            }
            nll[i] = 0.5 * q + 64 * 0.5 * Math.log(2 * Math.PI * var);
        }
        return nll;
    }

    /**
     * The exact NLL of model-space images {@code x} under gauss-images at the VP SDE's sampling end ε, as the
     * probability flow computes it with the N(0, I) prior: −log p_ε(x) + log p_T(x_T) − log N(x_T; 0, I), with
     * x_T the rows' latents from {@code score4j encode} (the prior's mismatch, ≈ ±0.04 nats per row here, is
     * accounted for exactly rather than bounded).
     */
    private double[] exactFlowNll(double[] x, int n) throws Exception {
        Path in = dir.resolve("exact-in.npy");
        Npy.write(in, x, n, 1, 8, 8);
        CliTest.Result e = run("encode", "--plugins-dir", plugins.toString(), "--model", "gauss-images", "--data",
                in.toString(), "--out", p("exact-z.npy"));
        assertThat(e.code()).as(e.err()).isZero();
        double[] z = Npy.read(dir.resolve("exact-z.npy")).doubles();
        org.score4j.sde.VpSde sde = org.score4j.sde.VpSde.defaults();
        double[] start = gaussNll(x, n, sde.t0());
        double[] end = gaussNll(z, n, sde.tEnd());
        double[] nll = new double[n];
        for (int i = 0; i < n; i++) {
            double q = 0;
            for (int j = 0; j < 64; j++) {
                q += z[i * 64 + j] * z[i * 64 + j];
            }
            double prior = 0.5 * q + 32 * Math.log(2 * Math.PI);
            nll[i] = start[i] - end[i] + prior;
        }
        return nll;
    }

    /** n images of N(μ, s²I) in the data's units (v = 127.5·(x + 1)), rounded to integers when asked. */
    private static double[] gaussImagesInDataUnits(int n, long seed, boolean round) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] v = new double[n * 64];
        for (int i = 0; i < v.length; i++) {
            int j = i % 64;
            double mu = j / 8 == 3 || j / 8 == 4 ? ON : OFF;
            double y = 127.5 * (mu + 0.05 * r.nextGaussian() + 1);
            v[i] = round ? Math.max(0, Math.min(255, Math.rint(y))) : y;
        }
        return v;
    }

    @Test
    void likelihoodOfACheckpointsDataIsTheDensityInTheDataUnits() throws Exception {
        Path ck = checkpoint(Map.of());
        int n = 4;
        double[] v = gaussImagesInDataUnits(n, 3, false);
        Path data = dir.resolve("x.npy");
        Npy.write(data, v, n, 1, 8, 8);
        CliTest.Result r = run("likelihood", "--plugins-dir", plugins.toString(), "--checkpoint", ck.toString(),
                "--data", data.toString(), "--out", p("nll.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        double[] x = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            x[i] = v[i] / 127.5 - 1;
        }
        double[] exact = exactFlowNll(x, n);
        double[] got = Npy.read(dir.resolve("nll.npy")).doubles();
        for (int i = 0; i < n; i++) {
            // the density of y = 127.5 (x + 1) is p(x) / 127.5^D
            assertThat(got[i]).isCloseTo(exact[i] + 64 * Math.log(127.5), org.assertj.core.data.Offset.offset(2e-3));
        }
        Map<String, Object> prov = json(dir.resolve("nll.json"));
        assertThat(prov.get("values")).isEqualTo("data");
        assertThat(((Number) prov.get("offset_nats")).doubleValue()).isCloseTo(64 * Math.log(127.5),
                org.assertj.core.data.Offset.offset(1e-9));
        // the same values given in model space, with --scale model: the model-space density
        Path model = dir.resolve("xm.npy");
        Npy.write(model, x, n, 1, 8, 8);
        CliTest.Result m = run("likelihood", "--plugins-dir", plugins.toString(), "--checkpoint", ck.toString(),
                "--data", model.toString(), "--scale", "model", "--out", p("nll-m.npy"));
        assertThat(m.code()).as(m.err()).isZero();
        double[] gotModel = Npy.read(dir.resolve("nll-m.npy")).doubles();
        for (int i = 0; i < n; i++) {
            assertThat(gotModel[i]).isCloseTo(exact[i], org.assertj.core.data.Offset.offset(2e-3));
        }
    }

    @Test
    void aByteDataSetIsDequantizedWith256LevelsLikeAFileWithDequantize() throws Exception {
        Path ck = checkpoint(Map.of());
        int n = 5;
        double[] v = gaussImagesInDataUnits(n, 4, true);
        Path bytes = dir.resolve("bytes.npy");
        Npy.write(bytes, v, n, 1, 8, 8);
        CliTest.Result set = run("likelihood", "--plugins-dir", plugins.toString(), "--checkpoint", ck.toString(),
                "--data", "npy", "--set", "data.path=" + bytes, "--set", "data.scale=bytes", "--seed", "7",
                "--out", p("set.npy"));
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out()).contains("dequantized with 256 levels");
        CliTest.Result file = run("likelihood", "--plugins-dir", plugins.toString(), "--checkpoint", ck.toString(),
                "--data", bytes.toString(), "--dequantize", "256", "--seed", "7", "--out", p("file.npy"));
        assertThat(file.code()).as(file.err()).isZero();
        double[] a = Npy.read(dir.resolve("set.npy")).doubles();
        assertThat(Npy.read(dir.resolve("file.npy")).doubles()).as(json(dir.resolve("set.json")) + " vs "
                + json(dir.resolve("file.json"))).containsExactly(a);
        double[] y = LikelihoodCommand.dequantized(v, n, org.score4j.api.noise.PerSampleNoise.create(7, 0, n));
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            x[i] = y[i] / 127.5 - 1;
        }
        double[] exact = exactFlowNll(x, n);
        for (int i = 0; i < n; i++) {
            assertThat(a[i]).isCloseTo(exact[i] + 64 * Math.log(127.5), org.assertj.core.data.Offset.offset(2e-3));
        }
        Map<String, Object> prov = json(dir.resolve("set.json"));
        assertThat((String) prov.get("data")).startsWith("data npy ");
        assertThat(prov.get("dequantize")).isEqualTo(256);
    }

    @Test
    void likelihoodRefusesDataThatDoNotFitBeforeAnyWork() throws Exception {
        Path ck = checkpoint(Map.of());
        Path out = Files.createDirectories(dir.resolve("out"));
        Path vectors = dir.resolve("v.npy");
        Npy.write(vectors, new double[] {1, 2, 3, 4}, 2, 2);
        String nll = out.resolve("n.npy").toString();
        String pd = plugins.toString();
        CliTest.Result shape = run("likelihood", "--plugins-dir", pd, "--checkpoint", ck.toString(), "--data", "npy",
                "--set", "data.path=" + vectors, "--out", nll);
        assertThat(shape.code()).isEqualTo(2);
        assertThat(shape.err()).contains("data 'npy' holds examples of shape (2)").contains("(1, 8, 8)");
        Npy.write(dir.resolve("bytes2.npy"), gaussImagesInDataUnits(2, 1, true), 2, 1, 8, 8);
        CliTest.Result unscaled = run("likelihood", "--plugins-dir", pd, "--checkpoint", ck.toString(), "--data", "npy",
                "--set", "data.path=" + dir.resolve("bytes2.npy"), "--set", "data.scale=none", "--out", nll);
        assertThat(unscaled.code()).isEqualTo(2);
        assertThat(unscaled.err()).contains("checkpoint was trained on data scaled as");
        CliTest.Result nothing = run("likelihood", "--plugins-dir", pd, "--data", "no-such-thing", "--out", nll);
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("no such file and no data set of that name").contains("mnist");
        CliTest.Result setOnFile = run("likelihood", "--plugins-dir", pd, "--data", vectors.toString(), "--set",
                "data.limit=3", "--out", nll);
        assertThat(setOnFile.code()).isEqualTo(2);
        assertThat(setOnFile.err()).contains("--set data.limit applies to a data set");
        CliTest.Result badScale = run("likelihood", "--plugins-dir", pd, "--data", vectors.toString(), "--scale",
                "bytes", "--out", nll);
        assertThat(badScale.code()).isEqualTo(2);
        assertThat(badScale.err()).contains("--scale").contains("data or model");
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.toList()).isEmpty();
        }
    }
}
