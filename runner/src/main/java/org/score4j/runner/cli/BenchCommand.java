package org.score4j.runner.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.score4j.api.ConfigException;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.bench.BenchPlan;
import org.score4j.runner.bench.BenchSampler;
import org.score4j.runner.bench.BenchTable;
import org.score4j.runner.bench.Benchmark;
import org.score4j.runner.bench.Machine;
import org.score4j.runner.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code score4j bench}: times every sampler through the runner and, where one exists, through a bare DJL
 * loop doing the same arithmetic, and prints the table (see {@link Benchmark}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the samplers on VP with the default Gaussian mixture: NFE, wall time, samples/s, "
                + "and the runner's overhead against a bare DJL loop doing the same arithmetic in the same "
                + "process (median of interleaved runs after a warm-up).",
            "Samplers: pc (reverse-diffusion+langevin), pc-em (euler-maruyama+none), pc-ancestral "
                + "(ancestral+none), ode-euler, ode-heun, ode-rk4, ode-rk45 (adaptive; no bare loop)."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--n", paramLabel = "N", description = "Samples per run (default ${DEFAULT-VALUE}).")
    int n = 10_000;

    @Option(names = "--steps", paramLabel = "N",
            description = "Grid steps of every sampler without its own :STEPS (default ${DEFAULT-VALUE}).")
    int steps = PipelineSpec.DEFAULT_STEPS;

    @Option(names = "--repeats", paramLabel = "R",
            description = "Timed runs of each sampler and bare loop; the table shows medians (default "
                    + "${DEFAULT-VALUE}).")
    int repeats = 3;

    @Option(names = "--threads", paramLabel = "T", split = ",",
            description = "PyTorch intra-op thread counts to measure in turn, e.g. 1,2 (default: the engine's "
                    + "current setting).")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--samplers", paramLabel = "NAME[:STEPS]", split = ",",
            description = "Samplers to measure, in order, each optionally with its own grid steps, e.g. "
                    + "pc,ode-euler:200 (default: all).")
    List<String> samplers = new ArrayList<>();

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as Markdown.")
    Path markdown;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed = PipelineSpec.DEFAULT_SEED;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Samples computed together (default ${DEFAULT-VALUE}).")
    int batchSize = PipelineSpec.DEFAULT_BATCH_SIZE;

    @Option(names = "--warmup-steps", paramLabel = "N",
            description = "Steps of the untimed warm-up run of each sampler, 0 for none (default ${DEFAULT-VALUE}).")
    int warmupSteps = 20;

    @Override
    public Integer call() {
        BenchPlan plan = new BenchPlan(entries(), n, repeats, threads, seed, batchSize, warmupSteps);
        if (markdown != null) {
            AtomicFiles.checkWritable(markdown, "--markdown");
        }
        double load = Machine.loadAverage();
        if (load >= 0.5) {
            main.err.printf(Locale.ROOT, "bench: note: the machine is busy (1-minute load average %.2f); other work "
                    + "makes wall times noisy, see the CPU overhead column%n", load);
        }
        Benchmark bench = new Benchmark(main.score4j().assembler());
        BenchTable table = bench.run(plan, line -> main.err.println("bench: " + line));
        main.out.print(table.toText());
        if (markdown != null) {
            byte[] bytes = table.toMarkdown().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(markdown, out -> out.write(bytes));
            main.out.println("wrote " + markdown);
        }
        return 0;
    }

    private List<BenchPlan.Entry> entries() {
        List<BenchPlan.Entry> list = new ArrayList<>();
        if (samplers.isEmpty()) {
            for (BenchSampler s : BenchSampler.values()) {
                list.add(new BenchPlan.Entry(s, steps));
            }
            return list;
        }
        for (String raw : samplers) {
            int colon = raw.indexOf(':');
            String name = colon < 0 ? raw : raw.substring(0, colon);
            int own = steps;
            if (colon >= 0) {
                try {
                    own = Integer.parseInt(raw.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException("invalid --samplers entry '" + raw + "'; expected NAME or NAME:STEPS, "
                            + "e.g. ode-euler:200");
                }
            }
            list.add(new BenchPlan.Entry(BenchSampler.of(name), own));
        }
        return list;
    }
}
