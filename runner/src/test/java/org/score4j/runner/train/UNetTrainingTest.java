package org.score4j.runner.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.testing.SyntheticImages;

/** The {@code unet} model under {@link Trainer}: a tiny U-Net on 8×8 images learns, resumes bit for bit. */
class UNetTrainingTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path images;

    @BeforeAll
    static void data() throws IOException {
        images = shared.resolve("bars.npy");
        SyntheticImages.write(images, null, SyntheticImages.cycle(600, 3), 12, 1);
    }

    /** 1×8×8, base 8, two levels (8 and 4), attention at 4, 4 groups. */
    static PluginRef tinyUNet() {
        return PluginRef.of("unet").with("channels", "1,8,8").with("base_channels", "8").with("channel_mult", "1,2")
                .with("attention_resolutions", "4").with("groups", "4").with("embedding_dim", "16");
    }

    static TrainingSpec spec() {
        return TrainingSpec.defaults()
                .withData(PluginRef.of("npy").with("path", images.toString()).with("scale", "bytes"))
                .withModel(tinyUNet())
                .withBatchSize(16)
                .withLearningRate(2e-3);
    }

    private static List<Double> losses(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(((Number) json.readValue(line, Map.class).get("loss")).doubleValue());
        }
        return out;
    }

    /**
     * The denoising loss ½Σ(σ·s + z)² starts at d/2 = 32 (a new U-Net outputs zeros, so s = 0) and falls well
     * below it: the images are three bar patterns, most of whose 64 pixels a denoiser predicts from the others.
     */
    @Test
    void aTinyUNetLearnsTheBars() throws IOException {
        TrainingOptions o = TrainingOptions.defaults().withIterations(200).withCheckpointEvery(200).withLogEvery(10);
        TrainingResult r = TrainerTest.SCORE4J.trainer().train(spec(), o, dir.resolve("run"), p -> { });
        List<Double> loss = losses(dir.resolve("run"));
        assertThat(loss).hasSize(20);
        double first = loss.get(0);
        double last = (loss.get(17) + loss.get(18) + loss.get(19)) / 3;
        System.out.printf("unet training: loss %.2f over the first 10 iterations, %.2f over the last 30 (%.1f s)%n",
                first, last, r.seconds());
        assertThat(first).isBetween(20.0, 40.0);
        assertThat(last).isLessThan(0.4 * first);
        Checkpoint ck = Checkpoint.open(r.checkpoint());
        assertThat(ck.manifest().get("model").toString()).contains("unet");
    }

    /** Two halves with a resume in between give the bits of one uninterrupted run, with dropout on. */
    @Test
    void resumeContinuesBitForBit() {
        Trainer t = TrainerTest.SCORE4J.trainer();
        TrainingSpec s = spec().withModel(tinyUNet().with("dropout", "0.1"));
        TrainingOptions whole = TrainingOptions.defaults().withIterations(16).withCheckpointEvery(8).withKeep(0)
                .withLogEvery(4);
        TrainingResult a = t.train(s, whole, dir.resolve("whole"), p -> { });
        TrainingResult half = t.train(s, whole.withIterations(8), dir.resolve("split"), p -> { });
        Checkpoint mid = Checkpoint.open(half.checkpoint());
        TrainingResult b = t.resume(mid, mid.spec(), whole, null, p -> { });
        Checkpoint ca = Checkpoint.open(a.checkpoint());
        Checkpoint cb = Checkpoint.open(b.checkpoint());
        for (String f : List.of(CheckpointLayout.EMA_WEIGHTS, CheckpointLayout.WEIGHTS, CheckpointLayout.OPTIMIZER)) {
            assertThat(Checkpoint.sha256(cb.file(f))).as(f).isEqualTo(Checkpoint.sha256(ca.file(f)));
        }
        TrainingResult other = t.train(s.withSeed(1), whole.withIterations(8), dir.resolve("other"), p -> { });
        assertThat(Checkpoint.sha256(Checkpoint.open(other.checkpoint()).file(CheckpointLayout.WEIGHTS)))
                .isNotEqualTo(Checkpoint.sha256(mid.file(CheckpointLayout.WEIGHTS)));
    }

    /** Images of another shape than the model's are refused before training, naming the setting to change. */
    @Test
    void imagesOfAnotherShapeAreRefusedWithTheSetting() {
        TrainingSpec s = spec().withModel(tinyUNet().with("channels", "1,16,16").with("attention_resolutions", "8"));
        TrainingOptions o = TrainingOptions.defaults().withIterations(5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainerTest.SCORE4J.trainer().train(s, o,
                dir.resolve("x"), p -> { })).isInstanceOf(org.score4j.api.ConfigException.class)
                .hasMessageContaining("(1, 8, 8)").hasMessageContaining("set model.channels=1,8,8");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    /**
     * The arrays alive in every DJL manager stay the same over a hundred and fifty U-Net training steps (a leak of one
     * array per step shows at once), and resident memory outside the heap does not grow from one run to the
     * next.
     */
    @Test
    void memoryStaysFlat() throws IOException, InterruptedException {
        ai.djl.ndarray.NDManager root = TrainingMemoryTest.root();
        TrainingSpec s = spec().withBatchSize(4).withModel(tinyUNet().with("dropout", "0.1"));
        TrainingOptions o = TrainingOptions.defaults().withIterations(150).withCheckpointEvery(150).withLogEvery(1);
        long[] resident = new long[2];
        for (int run = 0; run < 2; run++) {
            List<Integer> counts = new ArrayList<>();
            TrainerTest.SCORE4J.trainer().train(s, o, dir.resolve("m" + run), p -> counts.add(root.getManagedArrays()
                    .size()));
            resident[run] = TrainingMemoryTest.nativeKb();
            assertThat(new java.util.TreeSet<>(counts.subList(5, counts.size() - 1))).hasSize(1);
        }
        System.out.printf("unet training memory: resident outside the heap %d kB after run 1, %d kB after run 2%n",
                resident[0], resident[1]);
        if (resident[0] > 0) {
            assertThat(resident[1] - resident[0]).as("resident growth, kB").isLessThan(40_000);
        }
    }
}
