package org.score4j.runner.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.Score4j;

/** Determinism, resume, checkpoints and failures of training, on a small network and few iterations. */
class TrainerTest {
    static final Score4j SCORE4J = Score4j.create(null);

    @TempDir
    Path dir;

    /** A small run: 32 units × 2 layers, 64 examples per batch, 2000 draws of the built-in mixture. */
    static TrainingSpec small() {
        return TrainingSpec.defaults()
                .withData(PluginRef.of("gmm-samples").with("n", "2000"))
                .withModel(PluginRef.of("mlp").with("width", "32").with("depth", "2"))
                .withBatchSize(64);
    }

    static TrainingOptions options(int iterations, int every) {
        return TrainingOptions.defaults().withIterations(iterations).withCheckpointEvery(every).withKeep(0)
                .withLogEvery(10);
    }

    private static String sha(Checkpoint c, String file) {
        return Checkpoint.sha256(c.file(file));
    }

    private static void assertSameState(Path a, Path b) {
        Checkpoint ca = Checkpoint.open(a);
        Checkpoint cb = Checkpoint.open(b);
        for (String f : List.of(CheckpointLayout.EMA_WEIGHTS, CheckpointLayout.WEIGHTS, CheckpointLayout.OPTIMIZER)) {
            assertThat(sha(ca, f)).as(f).isEqualTo(sha(cb, f));
        }
        assertThat(ca.iteration()).isEqualTo(cb.iteration());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Trainer t = SCORE4J.trainer();
        TrainingResult a = t.train(small(), options(60, 60), dir.resolve("a"), p -> { });
        TrainingResult b = t.train(small(), options(60, 60), dir.resolve("b"), p -> { });
        TrainingResult c = t.train(small().withSeed(1), options(60, 60), dir.resolve("c"), p -> { });
        assertSameState(a.checkpoint(), b.checkpoint());
        assertThat(sha(Checkpoint.open(a.checkpoint()), CheckpointLayout.WEIGHTS))
                .isNotEqualTo(sha(Checkpoint.open(c.checkpoint()), CheckpointLayout.WEIGHTS));
        assertThat(a.loss()).isEqualTo(b.loss()).isFinite();
    }

    /** Two halves with a resume in between give the bits of one uninterrupted run. */
    @Test
    void resumeContinuesBitForBit() throws IOException {
        Trainer t = SCORE4J.trainer();
        TrainingResult whole = t.train(small(), options(80, 40), dir.resolve("whole"), p -> { });
        TrainingResult half = t.train(small(), options(40, 40), dir.resolve("split"), p -> { });
        Checkpoint mid = Checkpoint.open(half.checkpoint());
        assertThat(mid.iteration()).isEqualTo(40);
        List<TrainingProgress> seen = new ArrayList<>();
        TrainingResult rest = t.resume(mid, mid.spec(), options(80, 40), null, seen::add);
        assertThat(rest.iterationsRun()).isEqualTo(40);
        assertThat(seen.get(0).iteration()).isEqualTo(50);
        assertSameState(whole.checkpoint(), rest.checkpoint());
        assertThat(rest.checkpoint().getParent()).isEqualTo(dir.resolve("split").toAbsolutePath());
        // the metrics describe one history: the same iterations and losses as the uninterrupted run
        List<String> a = Files.readAllLines(dir.resolve("whole/metrics.jsonl"));
        List<String> b = Files.readAllLines(dir.resolve("split/metrics.jsonl"));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).replaceAll(",\"elapsed\":.*", "")).isEqualTo(a.get(i).replaceAll(",\"elapsed\":.*", ""));
        }
    }

    @Test
    void resumingWithOtherSettingsIsRefused() {
        Trainer t = SCORE4J.trainer();
        Checkpoint ck = Checkpoint.open(t.train(small(), options(10, 10), dir.resolve("r"), p -> { }).checkpoint());
        TrainingSpec spec = ck.spec();
        assertThatThrownBy(() -> t.resume(ck, spec.withModel(spec.model().with("width", "64")), options(20, 10), null,
                p -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.width=64").hasMessageContaining("model.width=32");
        assertThatThrownBy(() -> t.resume(ck, spec.withSde(PluginRef.of("ve")), options(20, 10), null, p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sde 'vp'");
        assertThatThrownBy(() -> t.resume(ck, spec.withLearningRate(0.5), options(20, 10), null, p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--lr");
        assertThatThrownBy(() -> t.resume(ck, spec, options(10, 10), null, p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is at iteration 10");
        // the defaults written out explicitly are the same run
        t.checkSameRun(ck, spec.withModel(spec.model().with("depth", "2").with("dim", "2")));
    }

    @Test
    void corruptOrTruncatedCheckpointIsAClearErrorAndTheEarlierOneStaysUsable() throws IOException {
        Trainer t = SCORE4J.trainer();
        Path run = dir.resolve("c");
        t.train(small(), options(20, 10), run, p -> { });
        Path latest = run.resolve(Checkpoint.name(20));
        Path weights = latest.resolve(CheckpointLayout.EMA_WEIGHTS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(weights, bytes);
        assertThatThrownBy(() -> Checkpoint.open(run)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("is corrupt: ema.params has SHA-256")
                .hasMessageContaining("previous checkpoint " + run.resolve(Checkpoint.name(10)) + " is intact");
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> Checkpoint.open(latest)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("bytes, the manifest records").hasMessageContaining("truncated");
        Files.writeString(latest.resolve(CheckpointLayout.MANIFEST), "{\"format\": \"score4j-checkpoint\", \"it");
        assertThatThrownBy(() -> Checkpoint.open(latest)).isInstanceOf(Score4jException.class)
                .hasMessageContaining("not a valid manifest");
        Files.delete(latest.resolve(CheckpointLayout.OPTIMIZER));
        Checkpoint earlier = Checkpoint.open(run.resolve(Checkpoint.name(10)));
        // resuming from the earlier one while a later (corrupt) one exists would overwrite it
        assertThatThrownBy(() -> t.resume(earlier, earlier.spec(), options(20, 10), null, p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("later checkpoint");
        TrainingResult r = t.resume(earlier, earlier.spec(), options(20, 10), dir.resolve("elsewhere"), p -> { });
        assertThat(Checkpoint.open(r.checkpoint()).iteration()).isEqualTo(20);
    }

    @Test
    void divergenceStopsWithTheLastGoodCheckpointKept() {
        Trainer t = SCORE4J.trainer();
        Path run = dir.resolve("nan");
        List<Path> written = new ArrayList<>();
        TrainingSpec wild = small().withLearningRate(1e6).withGradClip(0);
        assertThatThrownBy(() -> t.train(wild, options(200, 1), run, p -> {
            if (p.checkpoint() != null) {
                written.add(p.checkpoint());
            }
        })).isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("training diverged at iteration")
                .hasMessageContaining("try a smaller --lr")
                .satisfies(e -> {
                    int k = ((TrainingFailedException) e).iteration();
                    assertThat(k).isGreaterThan(1);
                    assertThat(e.getMessage()).contains("last good checkpoint is " + run.resolve(Checkpoint.name(k - 1)));
                });
        assertThat(written).isNotEmpty();
        Checkpoint last = Checkpoint.open(run);
        assertThat(last.dir()).isEqualTo(written.get(written.size() - 1).toAbsolutePath());
        assertThat(last.manifest().get("metrics").toString()).doesNotContain("NaN");
    }

    @Test
    void badInputIsRefusedBeforeTraining() throws IOException {
        Trainer t = SCORE4J.trainer();
        TrainingOptions o = options(5, 5);
        assertThatThrownBy(() -> t.train(small().withData(PluginRef.of("npy").with("path", dir.resolve("x.npy")
                .toString())), o, dir.resolve("a"), p -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("data.path").hasMessageContaining("does not exist");
        Path spec3 = Files.writeString(dir.resolve("mix3.json"),
                "{\"weights\": [1], \"means\": [[0, 0, 0]], \"stds\": [1]}");
        assertThatThrownBy(() -> t.train(small().withData(PluginRef.of("gmm-samples").with("spec", spec3.toString())),
                o, dir.resolve("b"), p -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("examples of shape (3)").hasMessageContaining("expects (2)")
                .hasMessageContaining("set model.dim=3");
        assertThatThrownBy(() -> t.train(small().withModel(PluginRef.of("gmm")), o, dir.resolve("c"), p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be trained");
        assertThatThrownBy(() -> t.train(small().withData(PluginRef.of("cifar10")), o, dir.resolve("d"), p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown data 'cifar10'")
                .hasMessageContaining("fashion-mnist, gmm-samples, mnist, npy");
        t.train(small(), o, dir.resolve("e"), p -> { });
        assertThatThrownBy(() -> t.train(small(), o, dir.resolve("e"), p -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("already holds a training run");
        assertThat(Files.exists(dir.resolve("a"))).isFalse();
    }
}
