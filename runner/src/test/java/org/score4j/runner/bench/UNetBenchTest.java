package org.score4j.runner.bench;

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
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.runner.Score4j;
import org.score4j.runner.train.Checkpoint;
import org.score4j.runner.train.TrainingOptions;
import org.score4j.runner.train.TrainingSpec;

/** {@code score4j bench-unet}'s measurements on a tiny U-Net: the path end to end, and the bare training loop. */
class UNetBenchTest {
    private static final Score4j SCORE4J = Score4j.create(null);

    @TempDir
    Path dir;

    /** 1×28×28 like MNIST, but base 4, two levels, no attention: a few milliseconds per iteration. */
    static PluginRef tinyUNet() {
        return UNetBenchPlan.unet(4, "1,2", "", 2).with("embedding_dim", "8");
    }

    static UNetBenchPlan plan(List<Integer> threads, int memorySteps) {
        return plan(tinyUNet(), threads, memorySteps);
    }

    static UNetBenchPlan plan(PluginRef model, List<Integer> threads, int memorySteps) {
        return new UNetBenchPlan(model, UNetBenchPlan.Data.SYNTHETIC, 4, 6, 2, 2, threads, 1, 3, 2, memorySteps, 2,
                UNetBenchPlan.unet(2, "1,2", "", 2).with("embedding_dim", "8"), 5);
    }

    @Test
    void benchmarkRunsEndToEndAndFillsTheTables() {
        int before = IntraOpThreads.get();
        List<String> progress = new ArrayList<>();
        // no pauses before the memory readings: the test checks their structure, not their values
        UNetBenchTable table = new UNetBenchmark(SCORE4J.assembler(), 0).run(plan(List.of(1), 20), progress::add);

        assertThat(IntraOpThreads.get()).as("thread count restored").isEqualTo(before);
        assertThat(table.parameters()).isPositive();
        assertThat(table.training()).hasSize(1);
        TrainingRow t = table.training().get(0);
        assertThat(t.threads()).isEqualTo(1);
        assertThat(t.batch()).isEqualTo(4);
        assertThat(t.timedSteps()).isEqualTo(4);
        // two windows of two iterations per run, two runs
        assertThat(t.window()).isEqualTo(2);
        assertThat(t.trainerSeconds()).hasSize(4).allMatch(v -> v > 0 && Double.isFinite(v));
        assertThat(t.bareSeconds()).hasSize(4).allMatch(v -> v > 0 && Double.isFinite(v));
        assertThat(t.trainerCpuSeconds()).hasSize(4).allMatch(v -> v > 0);
        assertThat(t.bareCpuSeconds()).hasSize(4).allMatch(v -> v > 0);
        assertThat(t.fastestOverheadPercent()).isFinite();
        assertThat(t.imagesPerSecond()).isPositive().isFinite();
        assertThat(t.bareImagesPerSecond()).isPositive().isFinite();
        assertThat(t.overheadPercent()).isFinite();
        assertThat(t.cpuOverheadPercent()).isFinite();
        // one intra-op thread: the trainer and the bare loop compute the same bits
        assertThat(t.lossDiff()).isZero();
        assertThat(t.sameWeights()).isTrue();

        assertThat(table.sampling()).hasSize(1);
        BenchRow s = table.sampling().get(0);
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.steps()).isEqualTo(2);
        assertThat(s.nfe()).isEqualTo(2);
        assertThat(s.runnerSeconds()).hasSize(2).allMatch(v -> v > 0);
        assertThat(s.bareSeconds()).hasSize(2).allMatch(v -> v > 0);
        assertThat(s.samplesPerSecond()).isPositive().isFinite();
        assertThat(s.maxAbsDiff()).isZero();

        MemoryRun m = table.memory();
        assertThat(m).isNotNull();
        assertThat(m.points()).hasSize(20);
        assertThat(m.points().get(19).iteration()).isEqualTo(20);
        assertThat(m.points()).allMatch(p -> p.arrays() > 0);
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertThat(m.points()).allMatch(p -> p.residentKb() > 0 && p.nativeKb() > 0);
        }
        assertThat(m.afterWarmup().iteration()).isEqualTo(4);
        int[] arrays = m.arraysAfterWarmup();
        assertThat(arrays[1] - arrays[0]).as("arrays alive vary after the warm-up").isLessThan(5);

        String text = table.toText();
        assertThat(text).contains("Training: Trainer vs bare DJL loop, batch 4, 6 iterations per run, iterations "
                + "3..6 timed in windows of 2").contains("Sampling: ode euler")
                .contains("Memory: unet {attention_resolutions=, base_channels=2,")
                .contains("parameters), 20 training iterations of 2 images");
        assertThat(text.lines().filter(l -> l.trim().startsWith("threads"))).hasSize(2);
        String md = table.toMarkdown();
        assertThat(md).contains("| threads | batch | timed steps | ms/step | images/s | bare ms/step | bare images/s "
                + "| overhead % | overhead ms/step | fastest overhead % | CPU overhead % | loss diff | same weights |")
                .contains("| threads | n | steps | NFE | wall s | images/s | score evals/s | bare s | overhead % "
                        + "| CPU overhead % | max \\|diff\\| |")
                .contains("| iteration | RSS MB | RSS - heap MB | arrays |")
                .doesNotContain("NaN").doesNotContain("Infinity");
        assertThat(md.lines().filter(l -> l.startsWith("| 1 | 4 | 4 |"))).hasSize(1);
        assertThat(md.lines().filter(l -> l.startsWith("|"))).hasSize(3 + 3 + 22);
        assertThat(progress).anyMatch(l -> l.startsWith("training, threads 1, run 2/2"));
    }

    /**
     * The bare loop reports, iteration by iteration, the trainer's losses and ends with its averaged weights, bit
     * for bit (one intra-op thread); another seed changes both, so the comparison can fail.
     */
    @Test
    void bareLoopComputesTheTrainersLossesAndWeights() throws IOException {
        Path images = dir.resolve("images.npy");
        TrainingSpec spec = plan(tinyUNet().with("dropout", "0.1"), List.of(1), 0)
                .trainingSpec(UNetBenchmark.synthetic(images, new ai.djl.ndarray.types.Shape(1, 28, 28), 3));
        int n = 5;
        List<Double> trainer = new ArrayList<>();
        var result = SCORE4J.trainer().train(spec, new TrainingOptions(n, n, 1, 1), dir.resolve("run"), p -> {
            if (p.checkpoint() == null) {
                trainer.add(p.loss());
            }
        });
        BareTraining.Result bare = BareTraining.run(SCORE4J.assembler().registries(), spec, n, 1);
        assertThat(bare.marks()).extracting(BareTraining.Mark::iteration).containsExactly(1, 2, 3, 4, 5);
        assertThat(bare.marks()).extracting(BareTraining.Mark::loss).containsExactlyElementsOf(trainer);
        assertThat(trainer).allMatch(l -> l > 0 && Double.isFinite(l)).doesNotHaveDuplicates();
        String ema = BareTraining.sha256(Files.readAllBytes(Checkpoint.open(result.checkpoint())
                .file(CheckpointLayout.EMA_WEIGHTS)));
        assertThat(bare.averageSha256()).isEqualTo(ema);

        BareTraining.Result other = BareTraining.run(SCORE4J.assembler().registries(), spec.withSeed(6), n, 1);
        assertThat(other.marks().get(0).loss()).isNotEqualTo(trainer.get(0));
        assertThat(other.averageSha256()).isNotEqualTo(ema);
        // windows of two: the mean of the trainer's per-iteration losses, in its order
        BareTraining.Result windows = BareTraining.run(SCORE4J.assembler().registries(), spec, n, 2);
        assertThat(windows.marks()).extracting(BareTraining.Mark::iteration).containsExactly(2, 4, 5);
        assertThat(windows.marks().get(0).loss()).isEqualTo((trainer.get(0) + trainer.get(1)) / 2);
        assertThat(windows.marks().get(2).loss()).isEqualTo(trainer.get(4));
    }

    @Test
    void tablesRenderEveryThreadCountAndTheSpeedUp() {
        UNetBenchPlan plan = plan(List.of(1, 2), 100);
        TrainingRow one = new TrainingRow(1, 4, 4, 2, List.of(0.2, 0.1, 0.3), List.of(0.2, 0.2, 0.2),
                List.of(0.2, 0.2, 0.2), List.of(0.2, 0.2, 0.2), 0, true);
        TrainingRow two = new TrainingRow(2, 4, 4, 4, List.of(0.1), List.of(0.125), List.of(0.2), List.of(0.25), 1e-7,
                false);
        BenchRow s1 = new BenchRow(BenchSampler.ODE_EULER, 1, 3, 1, 2, 2, List.of(1.0), List.of(0.5), List.of(1.0),
                List.of(0.5), 0);
        BenchRow s2 = new BenchRow(BenchSampler.ODE_EULER, 2, 3, 1, 2, 2, List.of(0.25), List.of(0.25),
                List.of(0.5), List.of(0.5), 0);
        List<MemoryRun.Point> points = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            // 1000 kB of warm-up growth in the first reading, then 3 kB per iteration
            points.add(new MemoryRun.Point(5 * i, 100_000 + (i == 1 ? 0 : 1000) + 15L * i, 40_000, 77));
        }
        MemoryRun memory = new MemoryRun(1, 2, 100, 20, 567, points, 12);
        UNetBenchTable table = new UNetBenchTable(plan, new Machine(2, "cpu", "17", "Linux", "0.35.1", "PyTorch"),
                1234, 1.0, 2.0, List.of(one, two), List.of(s1, s2), memory);

        assertThat(one.secondsPerStep()).isEqualTo(0.2);
        assertThat(one.imagesPerSecond()).isEqualTo(20.0);
        assertThat(two.overheadPercent()).isCloseTo(-20.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(two.overheadMillisPerStep()).isCloseTo(-25.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(memory.afterWarmup().iteration()).isEqualTo(20);
        assertThat(memory.growthKb()).isEqualTo(15L * 16);
        assertThat(memory.slopeKbPer1000()).isCloseTo(3000.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(memory.nativeGrowthKb()).isEqualTo(15L * 16);
        assertThat(memory.afterWarmupPoints()).hasSize(17);
        // readings 4..11 and 13..20 (i = reading number): 101,000 + 15 i kB
        assertThat(memory.halfMeansKb()[0]).isCloseTo(101_000 + 15 * 7.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(memory.halfMeansKb()[1]).isCloseTo(101_000 + 15 * 16.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(memory.residentRangeKb()).containsExactly(101_000 + 15 * 4, 101_000 + 15 * 20);

        String md = table.toMarkdown();
        assertThat(md).contains("| 1 | 4 | 4 | 200.0 | 20.0 | 200.0 | 20.0 | +0.0 | +0.00 | -50.0 | +0.0 | 0 | yes |")
                .contains("| 2 | 4 | 4 | 100.0 | 40.0 | 125.0 | 32.0 | -20.0 | -25.00 | -20.0 | -20.0 | 1.0e-07 | no |")
                .contains("| 1 | 3 | 2 | 2 | 1.00 | 3.0 | 6 | 0.50 | +100.0 | +100.0 | 0 |")
                .contains("| 2 | 3 | 2 | 2 | 0.25 | 12.0 | 24 | 0.25 | +0.0 | +0.0 | 0 |")
                .contains("Speed-up of 2 threads over 1: training x2.00 (trainer), x1.60 (bare); sampling x4.00.")
                .contains("Memory after warm-up (iterations 20 to 100, 17 readings): RSS 98.7 to 98.9 MB, mean 98.7 MB "
                        + "in the first half of the readings and 98.9 MB in the second; least-squares slope +2.93 MB "
                        + "per 1000 iterations; first to last reading +0.2 MB (outside the heap +0.2 MB); arrays "
                        + "alive 77..77; run 12 s.")
                .contains("1,234 parameters").contains("(567 parameters), 100 training iterations of 2 images").contains("1-minute load average 1.00 at the start, 2.00 at the end");
        String text = table.toText();
        assertThat(text).contains("Speed-up of 2 threads over 1");
        assertThat(text.lines()).noneMatch(l -> l.startsWith("|"));
    }

    @Test
    void planRejectsBadSettingsWithOneLineMessages() {
        PluginRef m = tinyUNet();
        UNetBenchPlan.Data d = UNetBenchPlan.Data.SYNTHETIC;
        assertThatThrownBy(() -> new UNetBenchPlan(m, d, 4, 10, 10, 1, List.of(1), 0, 1, 1, 0, 1, m, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("iterations must exceed the log interval 10 (the timed window starts at the first "
                        + "metrics line), got 10");
        assertThatThrownBy(() -> new UNetBenchPlan(m, d, 0, 20, 10, 1, List.of(1), 0, 1, 1, 0, 1, m, 0))
                .hasMessage("batch must be a positive integer, got 0");
        assertThatThrownBy(() -> new UNetBenchPlan(m, d, 4, 20, 10, 1, List.of(1, 1), 0, 1, 1, 0, 1, m, 0))
                .hasMessage("threads lists a count twice: [1, 1]");
        assertThatThrownBy(() -> new UNetBenchPlan(m, d, 4, 20, 10, 1, List.of(1), 0, 1, 1, 10, 1, m, 0))
                .hasMessage("memory-run steps must be at least 20 (RSS is read at 20 points), got 10");
        assertThatThrownBy(() -> UNetBenchPlan.Data.of("cifar")).isInstanceOf(ConfigException.class)
                .hasMessage("unknown data 'cifar'; expected synthetic or mnist");
        assertThat(UNetBenchPlan.Data.of("MNIST")).isEqualTo(UNetBenchPlan.Data.MNIST);
        // an invalid model fails before anything runs
        UNetBenchPlan bad = new UNetBenchPlan(UNetBenchPlan.unet(4, "1,2", "", 3), d, 4, 6, 2, 1, List.of(1), 0, 1,
                1, 0, 1, m, 0);
        assertThatThrownBy(() -> new UNetBenchmark(SCORE4J.assembler()).run(bad, l -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("model.groups=3");
    }

    @Test
    void commandPrintsTheTablesAndWritesMarkdown() throws IOException {
        Path md = dir.resolve("unet.md");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = org.score4j.runner.cli.Main.run(new String[] {"bench-unet", "--base-channels", "2",
            "--channel-mult", "1,2", "--attention-resolutions=", "--groups", "2", "--batch", "2", "--iterations", "3",
            "--log-every", "1", "--repeats", "1", "--threads", "1", "--warmup-iterations", "0", "--sample-n", "2",
            "--sample-steps", "1", "--markdown", md.toString()},
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("Training: Trainer vs bare DJL loop, batch 2").contains("wrote " + md)
                .doesNotContain("Memory:").doesNotContain("Speed-up");
        assertThat(Files.readString(md)).contains("| 1 | 2 | 2 |").contains("| 1 | 2 | 1 | 1 |")
                .contains("base_channels=2");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(md);
        }
    }

    @Test
    void commandRejectsBadFlagsWithOneLine() {
        String[][] cases = {
            {"bench-unet", "--data", "cifar"},
            {"bench-unet", "--threads", "1,1"},
            {"bench-unet", "--iterations", "5"},
            {"bench-unet", "--groups", "3"},
        };
        String[] messages = {
            "score4j: error: unknown data 'cifar'; expected synthetic or mnist",
            "score4j: error: threads lists a count twice: [1, 1]",
            "score4j: error: iterations must exceed the log interval 10 (the timed window starts at the first "
                + "metrics line), got 5",
            "score4j: error: model.groups=3 does not divide 16 channels",
        };
        for (int i = 0; i < cases.length; i++) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = org.score4j.runner.cli.Main.run(cases[i], new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(code).as(String.join(" ", cases[i])).isEqualTo(org.score4j.runner.cli.Main.EXIT_BAD_INPUT);
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).trim()).startsWith(messages[i])
                    .doesNotContain("\n");
        }
        java.io.ByteArrayOutputStream help = new java.io.ByteArrayOutputStream();
        org.score4j.runner.cli.Main.run(new String[] {"bench-unet", "--help"},
                new java.io.PrintStream(help, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
        assertThat(help.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("--memory-steps")
                .contains("--base-channels").contains("--data").contains("bare DJL").contains("at most 5 %)")
                .doesNotContain("%n");
    }
}
