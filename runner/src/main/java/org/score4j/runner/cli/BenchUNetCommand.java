package org.score4j.runner.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.score4j.runner.bench.Machine;
import org.score4j.runner.bench.UNetBenchPlan;
import org.score4j.runner.bench.UNetBenchTable;
import org.score4j.runner.bench.UNetBenchmark;
import org.score4j.runner.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j bench-unet}: training and sampling throughput of a U-Net on 1×28×28 images at each intra-op
 * thread count, the trainer's overhead against a bare DJL training loop, and optionally resident memory over a
 * long training run (see {@link UNetBenchmark}).
 */
@Command(name = "bench-unet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time a U-Net on 1x28x28 images (default: the MNIST recipe's, base 16, channel_mult 1,2,4, "
                + "attention at 7, 8 groups) in this process, at each intra-op thread count:",
            "  training: images/s through score4j's Trainer (metrics, progress, checkpoint) and through a bare DJL "
                + "loop doing the same forward, backward, Adam and EMA work on the same batches (at one thread the same "
                + "losses and weights, bit for bit), and the Trainer's overhead per iteration (goal: at most 5 %%);",
            "  sampling: images/s and score evaluations/s of ode euler on the trained weights, through the run "
                + "loop and a bare loop;",
            "  memory (--memory-steps N): resident memory at 20 points of an N-iteration training run of a "
                + "smaller U-Net (base --memory-base-channels), and its growth after the first fifth.",
            "Medians of interleaved runs after a warm-up. Training data: synthetic images (default; pixels do "
                + "not change the cost) or mnist. Tables go to stdout, progress to stderr; see docs/benchmarks.md."})
final class BenchUNetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Training iterations per timed run; iterations after the first --log-every are timed "
                    + "(default ${DEFAULT-VALUE}).")
    int iterations = 30;

    @Option(names = "--batch", paramLabel = "B", description = "Images per training iteration (default ${DEFAULT-VALUE}).")
    int batch = 64;

    @Option(names = "--repeats", paramLabel = "R",
            description = "Timed runs of the trainer and the bare loop (and of each sampler loop) per thread count; "
                    + "the tables show medians (default ${DEFAULT-VALUE}).")
    int repeats = 3;

    @Option(names = "--threads", paramLabel = "T", split = ",",
            description = "PyTorch intra-op thread counts to measure in turn (default 1,2; empty list not allowed).")
    List<Integer> threads = new ArrayList<>(List.of(1, 2));

    @Option(names = "--data", paramLabel = "synthetic|mnist",
            description = "Training images: synthetic (${DEFAULT-VALUE}: 1024 seeded random images, no data set "
                    + "needed) or mnist (its first 10,000 training images; score4j data fetch mnist).")
    String data = "synthetic";

    @Option(names = "--base-channels", paramLabel = "C", description = "model.base_channels (default ${DEFAULT-VALUE}).")
    int baseChannels = UNetBenchPlan.DEFAULT_BASE_CHANNELS;

    @Option(names = "--channel-mult", paramLabel = "M,M,...", description = "model.channel_mult (default ${DEFAULT-VALUE}).")
    String channelMult = UNetBenchPlan.DEFAULT_CHANNEL_MULT;

    @Option(names = "--attention-resolutions", paramLabel = "R,...",
            description = "model.attention_resolutions, empty for none (default ${DEFAULT-VALUE}).")
    String attention = UNetBenchPlan.DEFAULT_ATTENTION;

    @Option(names = "--groups", paramLabel = "G", description = "model.groups (default ${DEFAULT-VALUE}).")
    int groups = UNetBenchPlan.DEFAULT_GROUPS;

    @Option(names = "--sample-n", paramLabel = "N", description = "Images per sampling run, one batch (default ${DEFAULT-VALUE}).")
    int sampleN = 64;

    @Option(names = "--sample-steps", paramLabel = "N",
            description = "ode euler steps per sampling run, one score evaluation each (default ${DEFAULT-VALUE}).")
    int sampleSteps = 10;

    @Option(names = "--memory-steps", paramLabel = "N",
            description = "Also train N iterations (at the first thread count) and report resident memory at 20 "
                    + "points, e.g. 5000 (default ${DEFAULT-VALUE}: no memory run).")
    int memorySteps = 0;

    @Option(names = "--memory-batch", paramLabel = "B", description = "Images per iteration of the memory run (default ${DEFAULT-VALUE}).")
    int memoryBatch = 4;

    @Option(names = "--memory-base-channels", paramLabel = "C",
            description = "model.base_channels of the memory run's U-Net, otherwise the benchmark's (default "
                    + "${DEFAULT-VALUE}: small enough for thousands of iterations).")
    int memoryBaseChannels = UNetBenchPlan.DEFAULT_MEMORY_BASE_CHANNELS;

    @Option(names = "--warmup-iterations", paramLabel = "N",
            description = "Iterations of the untimed warm-up run of the trainer and the bare loop, 0 for none "
                    + "(default ${DEFAULT-VALUE}).")
    int warmupIterations = 3;

    @Option(names = "--log-every", paramLabel = "K",
            description = "The trainer's metrics interval (as score4j train's); the timed window starts at the "
                    + "first metrics line (default ${DEFAULT-VALUE}).")
    int logEvery = 10;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the tables (with the settings and the machine) as Markdown.")
    Path markdown;

    @Override
    public Integer call() {
        UNetBenchPlan plan = new UNetBenchPlan(UNetBenchPlan.unet(baseChannels, channelMult, attention, groups),
                UNetBenchPlan.Data.of(data), batch, iterations, logEvery, repeats, threads, warmupIterations, sampleN,
                sampleSteps, memorySteps, memoryBatch,
                UNetBenchPlan.unet(memoryBaseChannels, channelMult, attention, groups), seed);
        if (plan.threads().isEmpty()) {
            throw new org.score4j.api.ConfigException("--threads needs at least one thread count, e.g. 1,2");
        }
        if (markdown != null) {
            AtomicFiles.checkWritable(markdown, "--markdown");
        }
        UNetBenchmark bench = new UNetBenchmark(main.score4j().assembler());
        bench.validate(plan);
        double load = Machine.loadAverage();
        if (load >= 0.5) {
            main.err.printf(Locale.ROOT, "bench-unet: note: the machine is busy (1-minute load average %.2f); other "
                    + "work makes wall times noisy, see the CPU overhead column%n", load);
        }
        UNetBenchTable table = bench.run(plan, line -> main.err.println("bench-unet: " + line));
        main.out.print(table.toText());
        if (markdown != null) {
            byte[] bytes = table.toMarkdown().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(markdown, out -> out.write(bytes));
            main.out.println("wrote " + markdown);
        }
        return 0;
    }
}
