package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.score4j.runner.cli.CliTest.assertOneLineError;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.inverse.LinearOperator;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.eval.ImageMetrics;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.testing.SyntheticImages;

/**
 * {@code measure} and {@code inverse --checkpoint} on byte images: a tiny U-Net trained for a few iterations on
 * 8×8 bars; measurements, noise, truth and reconstructions in the data's units [0, 255], metrics and panels.
 */
class InverseImagesCliTest {
    @TempDir
    static Path dir;

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeAll
    static void trainAndMeasure() throws Exception {
        Path data = dir.resolve("bars.npy");
        SyntheticImages.write(data, null, SyntheticImages.cycle(300, 3), 12, 2);
        CliTest.Result t = run("train", "--model", "unet", "--data", "npy", "--set", "data.path=" + data, "--set",
                "data.scale=bytes", "--set", "model.channels=1,8,8", "--set", "model.base_channels=8", "--set",
                "model.channel_mult=1,2", "--set", "model.attention_resolutions=4", "--set", "model.groups=4",
                "--iterations", "40", "--batch", "16", "--lr", "2e-3", "--out", p("run"), "--no-progress");
        assertThat(t.code()).as(t.err()).isZero();
        // four clean images of the three classes, stored as bytes in a float32 file
        float[] few = new float[4 * 64];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(SyntheticImages.pattern(i % 3), 0, few, i * 64, 64);
        }
        Npy.write(dir.resolve("few.npy"), few, 4, 1, 8, 8);
    }

    @Test
    void measureADataSetInItsUnitsAndWriteTheRowsMeasured() throws Exception {
        CliTest.Result r = run("measure", "--operator", "inpaint", "--set", "operator.pattern=random", "--data", "npy",
                "--set", "data.path=" + p("few.npy"), "--set", "data.scale=bytes", "--data-out", p("m-truth.npy"),
                "--out", p("m-y.npy"));
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray truth = Npy.read(dir.resolve("m-truth.npy"));
        assertThat(truth.shape()).containsExactly(4, 1, 8, 8);
        float[] few = Npy.read(dir.resolve("few.npy")).floats();
        float[] t = truth.floats();
        for (int i = 0; i < few.length; i++) {
            assertThat(t[i]).isCloseTo(few[i], within(1e-4f));   // the stored units, back from model space
        }
        Map<String, Object> prov = json(dir.resolve("m-y.json"));
        assertThat(prov).containsEntry("units", "the data set's stored units").containsEntry("data_out", p("m-truth.npy"));
        assertThat(map(prov.get("data_scaling"))).containsEntry("offset", -1.0);
        assertThat((String) prov.get("data")).startsWith("data npy ");
        assertOneLineError(run("measure", "--operator", "inpaint", "--data", "nosuchset", "--out", p("bad.npy")), 2,
                "unknown data 'nosuchset'");
        assertOneLineError(run("measure", "--operator", "inpaint", "--data", p("few.npy"), "--set", "data.limit=2",
                "--out", p("bad.npy")), 2, "--set data.limit applies to a data set");
    }

    @Test
    void projectionReconstructionsInDataUnitsKeepTheObservedPixels() throws Exception {
        assertThat(run("measure", "--operator", "inpaint", "--set", "operator.pattern=random", "--data", p("few.npy"),
                "--out", p("p-y.npy")).code()).isZero();
        CliTest.Result r = run("inverse", "--checkpoint", p("run"), "--operator", "inpaint", "--set",
                "operator.pattern=random", "--method", "projection", "--steps", "20", "--measurement", p("p-y.npy"),
                "--truth", p("few.npy"), "--n", "2", "--out", p("p-x.npy"), "--png", p("p.png"), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("in the data's units").contains("PSNR").contains("SSIM")
                .contains("residual ||y - A(x)||");
        float[] x = Npy.read(dir.resolve("p-x.npy")).floats();
        float[] y = Npy.read(dir.resolve("p-y.npy")).floats();
        float[] truth = Npy.read(dir.resolve("few.npy")).floats();
        assertThat(x).hasSize(8 * 64);
        // the mask of the operator: Aᵀ of ones
        float[] mask;
        try (NDManager nd = NDManager.newBaseManager()) {
            LinearOperator op = (LinearOperator) org.score4j.runner.Score4j.create(null).assembler()
                    .operator(PluginRef.of("inpaint").with("pattern", "random")).instance().bind(new Shape(1, 8, 8));
            mask = op.adjoint(nd.ones(new Shape(1, 32))).toFloatArray();
        }
        int m = y.length / 4;
        assertThat(m).isEqualTo(32);
        // projection pins the observed pixels to y in [0, 255] (the model's m(t0) ≈ 1 − 5e-5 times
        // y_model = y/127.5 − 1, mapped back); mapping the measurement without its offset would put them 127.5 away
        for (int k = 0; k < 8; k++) {
            int row = k / 2;
            int q = 0;
            for (int j = 0; j < 64; j++) {
                assertThat(x[k * 64 + j]).isBetween(0f, 255f);
                if (mask[j] == 1) {
                    assertThat(y[row * m + q++]).isEqualTo(truth[row * 64 + j]);
                    assertThat(x[k * 64 + j]).as("sample %d, pixel %d", k, j).isCloseTo(truth[row * 64 + j],
                            within(0.05f));
                }
            }
            assertThat(q).isEqualTo(m);
        }
        Map<String, Object> prov = json(dir.resolve("p-x.json"));
        assertThat(map(prov.get("values"))).containsEntry("units", "data").containsEntry("clip", List.of(0, 255));
        assertThat(map(prov.get("measurement_units"))).containsEntry("measurement", "data")
                .containsEntry("noise_std", 0.0);
        Map<String, Object> metrics = map(prov.get("metrics"));
        assertThat(metrics).containsEntry("data_range", 255.0).containsEntry("measurement_size", 32)
                .containsEntry("expected_residual", 0.0);
        @SuppressWarnings("unchecked")
        List<Object> psnr = (List<Object>) map(metrics.get("psnr_db")).get("per_sample");
        @SuppressWarnings("unchecked")
        List<Object> ssim = (List<Object>) map(metrics.get("ssim")).get("per_sample");
        @SuppressWarnings("unchecked")
        List<Object> res = (List<Object>) map(metrics.get("residual")).get("per_sample");
        assertThat(psnr).hasSize(8);
        for (int k = 0; k < 8; k++) {
            int row = k / 2;
            assertThat(((Number) psnr.get(k)).doubleValue()).isCloseTo(
                    ImageMetrics.psnr(truth, row * 64, x, k * 64, 64, 255), within(1e-9));
            assertThat(((Number) ssim.get(k)).doubleValue()).isCloseTo(
                    ImageMetrics.ssim(truth, row * 64, x, k * 64, 1, 8, 8, 255), within(1e-9));
            assertThat(((Number) res.get(k)).doubleValue()).as("projection fits y").isLessThan(0.05);
        }
        assertThat(map(map(prov.get("metrics")).get("ssim_window"))).containsEntry("size", 7);
        BufferedImage png = ImageIO.read(dir.resolve("p.png").toFile());
        // 4 rows of truth | measurement | 2 reconstructions; 8×8 tiles zoomed 8×, padding 2
        assertThat(png.getWidth()).isEqualTo(4 * 64 + 5 * 2);
        assertThat(png.getHeight()).isEqualTo(4 * 64 + 5 * 2);
        // the measurement column shows the missing pixels in mid grey (the model's 0)
        int grey = 0;
        for (int yy = 2; yy < 66; yy++) {
            for (int xx = 68; xx < 132; xx++) {
                if ((png.getRaster().getSample(xx, yy, 0)) == 128) {
                    grey++;
                }
            }
        }
        assertThat(grey).as("missing pixels of row 0, 8×8 each").isEqualTo(32 * 64);
    }

    @Test
    void noisyMeasurementsInDataUnitsScaleTheNoiseForDps() throws Exception {
        // deblur keeps zeros outside the image, so A(1) is not 1 at the borders: y_model = a·y + b·A(1)
        assertThat(run("measure", "--operator", "deblur", "--set", "operator.noise=6.375", "--data", p("few.npy"),
                "--out", p("d-y.npy"), "--seed", "3").code()).isZero();
        CliTest.Result r = run("inverse", "--checkpoint", p("run"), "--operator", "deblur", "--set",
                "operator.noise=6.375", "--method", "dps", "--set", "method.clip=1", "--steps", "20", "--measurement",
                p("d-y.npy"), "--truth",
                p("few.npy"), "--out", p("d-x.npy"), "--png", p("d.png"), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> prov = json(dir.resolve("d-x.json"));
        assertThat(map(prov.get("measurement_units"))).containsEntry("noise_std", 6.375)
                .containsEntry("noise_std_model", 0.05);
        assertThat(map(map(prov.get("operator")).get("config"))).containsEntry("noise", 0.05);
        Map<String, Object> metrics = map(prov.get("metrics"));
        assertThat(((Number) metrics.get("expected_residual")).doubleValue()).isCloseTo(6.375 * 8, within(1e-9));
        // the deblur measurement is an image: the middle column is y itself, and its PSNR is recorded
        assertThat(map(metrics.get("measurement_image"))).containsKey("psnr_db");
        for (float v : Npy.read(dir.resolve("d-x.npy")).floats()) {
            assertThat(v).isBetween(0f, 255f);
        }
        // in model units the same run reads a model-space measurement and writes model-space samples
        float[] y = Npy.read(dir.resolve("d-y.npy")).floats();
        Files.deleteIfExists(dir.resolve("dm-y.npy"));
        CliTest.Result model = run("inverse", "--checkpoint", p("run"), "--operator", "deblur", "--set",
                "operator.noise=0.05", "--method", "dps", "--set", "method.clip=1", "--steps", "5", "--measurement",
                p("d-y.npy"), "--scale",
                "model", "--out", p("dm-x.npy"), "--no-progress");
        assertThat(model.code()).as(model.err()).isZero();
        assertThat(map(json(dir.resolve("dm-x.json")).get("values"))).containsEntry("units", "model");
        assertThat(y).isNotEmpty();
    }

    @Test
    void badInputFailsBeforeSampling() throws Exception {
        assertThat(run("measure", "--operator", "inpaint", "--data", p("few.npy"), "--out", p("b-y.npy")).code())
                .isZero();
        Npy.write(dir.resolve("b-truth.npy"), new float[3 * 64], 3, 1, 8, 8);
        assertOneLineError(run("inverse", "--checkpoint", p("run"), "--operator", "inpaint", "--method", "projection",
                "--measurement", p("b-y.npy"), "--truth", p("b-truth.npy"), "--out", p("b-x.npy")), 2,
                "--truth", "has shape (3, 1, 8, 8)", "(4, 1, 8, 8)");
        assertOneLineError(run("inverse", "--checkpoint", p("run"), "--operator", "inpaint", "--method", "projection",
                "--measurement", p("b-y.npy"), "--scale", "bytes", "--out", p("b-x.npy")), 2, "--scale");
        assertOneLineError(run("inverse", "--checkpoint", p("run"), "--operator", "inpaint", "--method", "projection",
                "--measurement", p("b-y.npy"), "--data-range", "0", "--out", p("b-x.npy")), 2, "--data-range");
        Npy.write(dir.resolve("v-y.npy"), new float[] {1, 2}, 2, 1);
        assertOneLineError(run("inverse", "--operator", "inpaint", "--method", "projection", "--measurement",
                p("v-y.npy"), "--png", p("v.png"), "--out", p("v-x.npy")), 2, "--png draws image samples");
        assertThat(dir.resolve("b-x.npy")).doesNotExist();
        assertThat(dir.resolve("v-x.npy")).doesNotExist();
        assertThat(dir.resolve("v.png")).doesNotExist();
    }
}
