package org.score4j.runner.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.score4j.api.ConfigException;
import org.score4j.runner.Score4j;
import org.score4j.runner.cli.Main;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.PipelineAssembler;
import org.score4j.runner.engine.RunLoop;
import org.score4j.runner.engine.SampleResult;

class BenchTest {
    private static final PipelineAssembler ASSEMBLER = Score4j.create(null).assembler();

    @Test
    void bareLoopsGiveTheRunnersSamplesBitForBit() {
        for (BenchSampler s : BenchSampler.values()) {
            if (!s.hasBareLoop()) {
                continue;
            }
            // several batches, the last one short: the bare loop must follow the runner's noise streams
            try (Pipeline p = ASSEMBLER.assemble(s.spec(23, 12, 7, 10))) {
                SampleResult runner = RunLoop.run(p, "t", e -> { }, new Cancellation());
                float[] bare = BareLoops.run(s, p);
                assertThat(bare).as(s.id()).hasSize(23 * 2).containsExactly(runner.data());
                assertThat(Benchmark.maxAbsDiff(runner.data(), bare)).isZero();
            }
        }
    }

    @Test
    void bareLoopsAreNotTrivial() {
        // the samples move away from the prior draw and differ between samplers
        try (Pipeline pc = ASSEMBLER.assemble(BenchSampler.PC.spec(8, 10, 1, 8));
                Pipeline euler = ASSEMBLER.assemble(BenchSampler.ODE_EULER.spec(8, 10, 1, 8))) {
            float[] a = BareLoops.run(BenchSampler.PC, pc);
            float[] b = BareLoops.run(BenchSampler.ODE_EULER, euler);
            assertThat(a).isNotEqualTo(b);
            for (float v : a) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
        try (Pipeline p = ASSEMBLER.assemble(BenchSampler.ODE_RK45.spec(4, 5, 1, 4))) {
            assertThatThrownBy(() -> BareLoops.run(BenchSampler.ODE_RK45, p)).hasMessageContaining("no bare loop");
        }
    }

    @Test
    void benchmarkMeasuresEverySamplerAtEveryThreadCount() {
        int before = IntraOpThreads.get();
        List<BenchPlan.Entry> entries = Arrays.stream(BenchSampler.values())
                .map(s -> new BenchPlan.Entry(s, s == BenchSampler.PC ? 6 : 4)).toList();
        BenchPlan plan = new BenchPlan(entries, 16, 2, List.of(1, 2), 3, 16, 2);
        BenchTable table = new Benchmark(ASSEMBLER).run(plan, line -> { });

        assertThat(IntraOpThreads.get()).as("thread count restored").isEqualTo(before);
        assertThat(table.rows()).hasSize(2 * BenchSampler.values().length);
        for (BenchRow r : table.rows()) {
            assertThat(r.threads()).isIn(1, 2);
            assertThat(r.n()).isEqualTo(16);
            assertThat(r.runnerSeconds()).hasSize(2).allMatch(v -> v > 0);
            assertThat(r.wallSeconds()).isPositive();
            assertThat(r.samplesPerSecond()).isPositive();
            assertThat(r.nfe()).isPositive();
            assertThat(r.steps()).isPositive();
            if (r.sampler().hasBareLoop()) {
                assertThat(r.steps()).isEqualTo(r.sampler() == BenchSampler.PC ? 6 : 4);
                assertThat(r.bareSeconds()).hasSize(2).allMatch(v -> v > 0);
                assertThat(r.bareCpuSeconds()).hasSize(2);
                assertThat(r.maxAbsDiff()).isZero();
                assertThat(r.overheadPercent()).isFinite();
            } else {
                assertThat(r.bareSeconds()).isEmpty();
                assertThat(r.maxAbsDiff()).isNaN();
            }
        }
        BenchRow pc = table.rows().get(0);
        assertThat(pc.sampler()).isEqualTo(BenchSampler.PC);
        assertThat(pc.threads()).isEqualTo(1);
        assertThat(pc.nfe()).isEqualTo(2 * 6);
        assertThat(table.rows().get(BenchSampler.values().length).threads()).isEqualTo(2);

        String text = table.toText();
        assertThat(text.lines()).hasSize(1 + table.rows().size());
        assertThat(text).contains("overhead %").contains("pc reverse-diffusion+langevin").contains("ode rk45");
        String md = table.toMarkdown();
        assertThat(md.lines().filter(l -> l.startsWith("|"))).hasSize(2 + table.rows().size());
        assertThat(md).contains("| sampler | threads | steps | NFE | wall s | samples/s | bare s | overhead % |")
                .contains("| ode euler | 2 | 4 | 4 |");
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(BenchRow.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(BenchRow.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(BenchRow.median(List.of())).isNaN();
    }

    @Test
    void planRejectsBadSettingsWithOneLineMessages() {
        List<BenchPlan.Entry> one = List.of(new BenchPlan.Entry(BenchSampler.PC, 5));
        assertThatThrownBy(() -> new BenchPlan(one, 0, 1, List.of(), 0, 1, 0)).isInstanceOf(ConfigException.class)
                .hasMessage("n must be a positive integer, got 0");
        assertThatThrownBy(() -> new BenchPlan(one, 5, 1, List.of(0), 0, 1, 0)).hasMessageContaining("threads");
        assertThatThrownBy(() -> new BenchPlan(List.of(), 5, 1, List.of(), 0, 1, 0))
                .hasMessage("no sampler to benchmark");
        assertThatThrownBy(() -> BenchSampler.of("ode-rk5")).isInstanceOf(ConfigException.class)
                .hasMessage("unknown sampler 'ode-rk5'; available: pc, pc-em, pc-ancestral, ode-euler, ode-heun, "
                        + "ode-rk4, ode-rk45");
    }

    @Test
    void commandPrintsTheTableAndWritesMarkdown(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("bench.md");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--n", "12", "--steps", "3", "--repeats", "1", "--threads", "1",
            "--samplers", "pc,ode-euler:5", "--warmup-steps", "1", "--markdown", md.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("pc reverse-diffusion+langevin").contains("ode euler").contains("wrote " + md);
        assertThat(Files.readString(md)).contains("| pc reverse-diffusion+langevin | 1 | 3 | 6 |")
                .contains("| ode euler | 1 | 5 | 5 |");
        try (var tmp = Files.list(dir)) {
            assertThat(tmp).containsExactly(md);
        }
    }

    @Test
    void commandRejectsUnknownSamplersBeforeWorking(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"bench", "--samplers", "pc,fast"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("score4j: error: unknown sampler 'fast'; available: pc, pc-em, pc-ancestral, ode-euler, "
                        + "ode-heun, ode-rk4, ode-rk45");
        int bad = Main.run(new String[] {"bench", "--samplers", "pc:x"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(bad).isEqualTo(Main.EXIT_BAD_INPUT);
        int missing = Main.run(new String[] {"bench", "--n", "5", "--markdown", dir.resolve("no/such.md").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertThat(missing).isEqualTo(Main.EXIT_BAD_INPUT);
    }
}
