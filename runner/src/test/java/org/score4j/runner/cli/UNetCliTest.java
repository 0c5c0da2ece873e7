package org.score4j.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.score4j.runner.cli.CliTest.json;
import static org.score4j.runner.cli.CliTest.map;
import static org.score4j.runner.cli.CliTest.run;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.runner.io.Npy;
import org.score4j.runner.io.NpyArray;
import org.score4j.runner.testing.SyntheticImages;

/** {@code score4j train --model unet} on 8×8 byte images, then {@code sample --checkpoint}: images in bytes. */
class UNetCliTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void trainAUNetThenSampleImagesFromItsCheckpoint() throws Exception {
        Path data = dir.resolve("bars.npy");
        SyntheticImages.write(data, null, SyntheticImages.cycle(300, 3), 12, 2);
        CliTest.Result t = run("train", "--model", "unet", "--data", "npy", "--set", "data.path=" + data, "--set",
                "data.scale=bytes", "--set", "model.channels=1,8,8", "--set", "model.base_channels=8", "--set",
                "model.channel_mult=1,2", "--set", "model.attention_resolutions=4", "--set", "model.groups=4",
                "--iterations", "60", "--batch", "16", "--lr", "2e-3", "--out", p("run"), "--no-progress");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("trained to iteration 60");
        Map<String, Object> manifest = json(dir.resolve("run/checkpoint-00000060/manifest.json"));
        assertThat(map(manifest.get("model")).get("name")).isEqualTo("unet");
        assertThat(map(manifest.get("data")).get("sample_shape")).isEqualTo(List.of(1, 8, 8));

        CliTest.Result s = run("sample", "--checkpoint", p("run"), "--solver", "ode", "--set", "solver.method=heun",
                "--steps", "10", "--n", "6", "--out", p("s.npy"), "--png", p("s.png"), "--no-progress");
        assertThat(s.code()).as(s.err()).isZero();
        assertThat(s.out()).contains("images in the data's units [0, 255]");
        NpyArray a = Npy.read(dir.resolve("s.npy"));
        assertThat(a.shape()).containsExactly(6, 1, 8, 8);
        float[] v = a.asFloats();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float x : v) {
            assertThat(x).isBetween(0f, 255f);
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        assertThat(max - min).as("samples are not constant").isGreaterThan(50f);
        assertThat(map(json(dir.resolve("s.json")).get("model")).get("name")).isEqualTo("unet");
        BufferedImage png = ImageIO.read(dir.resolve("s.png").toFile());
        assertThat(png.getColorModel().getNumComponents()).isEqualTo(1);

        // the likelihood's trace differentiates the float32 network from float64 states: the exact trace and
        // many Hutchinson probes agree within the probes' standard error
        NpyArray bars = Npy.read(data);
        double[] two = java.util.Arrays.copyOf(bars.asDoubles(), 2 * 64);
        Path x = dir.resolve("x3.npy");
        Npy.write(x, two, 2, 1, 8, 8);
        CliTest.Result exact = run("likelihood", "--checkpoint", p("run"), "--data", x.toString(), "--trace", "exact",
                "--set", "solver.rtol=1e-3", "--set", "solver.atol=1e-3", "--out", p("exact.npy"));
        assertThat(exact.code()).as(exact.err()).isZero();
        CliTest.Result hutch = run("likelihood", "--checkpoint", p("run"), "--data", x.toString(), "--trace",
                "hutchinson", "--probes", "32", "--seed", "3", "--set", "solver.rtol=1e-3", "--set", "solver.atol=1e-3",
                "--out", p("hutch.npy"));
        assertThat(hutch.code()).as(hutch.err()).isZero();
        assertThat(hutch.out()).contains("bits/dim");
        double[] e = Npy.read(dir.resolve("exact.npy")).doubles();
        double[] h = Npy.read(dir.resolve("hutch.npy")).doubles();
        for (int i = 0; i < 2; i++) {
            assertThat(Double.isFinite(e[i])).isTrue();
            assertThat(h[i]).as("row %d: hutchinson %s vs exact %s", i, h[i], e[i])
                    .isCloseTo(e[i], org.assertj.core.data.Offset.offset(0.02 * Math.abs(e[i]) + 1.0));
        }

        CliTest.Result bad = run("train", "--model", "unet", "--set", "model.groups=5", "--iterations", "5", "--out",
                p("bad"), "--no-progress");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).startsWith("score4j: error: ").contains("model.groups=5 does not divide")
                .doesNotContain("\n");
        assertThat(dir.resolve("bad")).doesNotExist();
        CliTest.Result untrained = run("sample", "--model", "unet", "--steps", "2", "--out", p("u.npy"));
        assertThat(untrained.code()).isEqualTo(2);
        assertThat(untrained.err()).contains("model 'unet' has no trained weights");
    }

    /** Trains the tiny class-conditional U-Net (3 classes) on labelled bars for a few iterations. */
    private CliTest.Result trainConditional(Path data, Path labels, String dropout, String out) {
        return run("train", "--model", "unet", "--data", "npy", "--set", "data.path=" + data, "--set",
                "data.labels=" + labels, "--set", "data.scale=bytes", "--set", "model.channels=1,8,8", "--set",
                "model.base_channels=8", "--set", "model.channel_mult=1,2", "--set", "model.attention_resolutions=",
                "--set", "model.groups=4", "--set", "model.num_classes=3", "--cond-dropout", dropout, "--iterations",
                "8", "--batch", "8", "--out", p(out), "--no-progress");
    }

    /**
     * A class-conditional U-Net trained without label dropout has no unconditional score: unguided sampling and
     * cfg at a scale other than 1 are one-line errors naming --cond-dropout, while one class (scale 1) samples;
     * trained with label dropout, cfg at scale 2 samples the class.
     */
    @Test
    void aClassConditionalUNetNeedsLabelDropoutForItsUnconditionalScore() throws Exception {
        Path data = dir.resolve("bars.npy");
        Path labels = dir.resolve("labels.npy");
        SyntheticImages.write(data, labels, SyntheticImages.cycle(48, 3), 12, 5);
        CliTest.Result never = trainConditional(data, labels, "0", "never");
        assertThat(never.code()).as(never.err()).isZero();
        Map<String, Object> manifest = json(dir.resolve("never/checkpoint-00000008/manifest.json"));
        assertThat(map(manifest.get("conditioning"))).containsEntry("num_classes", 3).containsEntry("cond_dropout", 0.0);
        CliTest.assertOneLineError(run("sample", "--checkpoint", p("never"), "--steps", "4", "--n", "2", "--out",
                p("bad.npy"), "--no-progress"), 2, "model 'unet' has no unconditional score", "--cond-dropout",
                "--guidance cfg --set guidance.scale=1 --set guidance.class=C (C in [0, 2])");
        CliTest.assertOneLineError(run("sample", "--checkpoint", p("never"), "--guidance", "cfg", "--set",
                "guidance.class=1", "--set", "guidance.scale=2", "--steps", "4", "--n", "2", "--out", p("bad.npy"),
                "--no-progress"), 2, "needs the unconditional score", "--cond-dropout");
        assertThat(dir.resolve("bad.npy")).doesNotExist();
        CliTest.Result one = run("sample", "--checkpoint", p("never"), "--guidance", "cfg", "--set",
                "guidance.class=1", "--set", "guidance.scale=1", "--steps", "4", "--n", "2", "--out", p("one.npy"),
                "--no-progress");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(Npy.read(dir.resolve("one.npy")).shape()).containsExactly(2, 1, 8, 8);

        CliTest.Result dropped = trainConditional(data, labels, "0.5", "dropped");
        assertThat(dropped.code()).as(dropped.err()).isZero();
        CliTest.Result s = run("sample", "--checkpoint", p("dropped"), "--guidance", "cfg", "--set", "guidance.class=1",
                "--set", "guidance.scale=2", "--steps", "4", "--n", "3", "--out", p("c1.npy"), "--no-progress");
        assertThat(s.code()).as(s.err()).isZero();
        NpyArray a = Npy.read(dir.resolve("c1.npy"));
        assertThat(a.shape()).containsExactly(3, 1, 8, 8);
        for (float v : a.asFloats()) {
            assertThat(v).isBetween(0f, 255f);
        }
        List<?> guidances = (List<?>) json(dir.resolve("c1.json")).get("guidances");
        assertThat(map(guidances.get(0)).get("name")).isEqualTo("cfg");
        assertThat(map(map(guidances.get(0)).get("config"))).containsEntry("class", 1).containsEntry("scale", 2.0);
        CliTest.Result unguided = run("sample", "--checkpoint", p("dropped"), "--steps", "4", "--n", "2", "--out",
                p("u.npy"), "--no-progress");
        assertThat(unguided.code()).as(unguided.err()).isZero();
    }
}
