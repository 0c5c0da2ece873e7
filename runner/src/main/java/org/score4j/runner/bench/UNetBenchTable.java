package org.score4j.runner.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The result of {@code score4j bench-unet}: training rows (trainer against the bare loop), sampling rows
 * (runner against the bare sampler loop) per intra-op thread count, the optional memory run, the plan and the
 * machine. Renders as aligned text or as Markdown. Immutable.
 *
 * @param parameters the model's parameter count
 * @param loadBefore the machine's 1-minute load average when the benchmark started (NaN if unknown)
 * @param loadAfter the same when it ended
 * @param memory the memory run, or {@code null} when none was asked for
 */
public record UNetBenchTable(UNetBenchPlan plan, Machine machine, long parameters, double loadBefore,
        double loadAfter, List<TrainingRow> training, List<BenchRow> sampling, MemoryRun memory) {
    static final String[] TRAINING_HEADER = {"threads", "batch", "timed steps", "ms/step", "images/s",
        "bare ms/step", "bare images/s", "overhead %", "overhead ms/step", "fastest overhead %", "CPU overhead %",
        "loss diff",
        "same weights"};
    static final String[] SAMPLING_HEADER = {"threads", "n", "steps", "NFE", "wall s", "images/s", "score evals/s",
        "bare s", "overhead %", "CPU overhead %", "max |diff|"};
    static final String[] MEMORY_HEADER = {"iteration", "RSS MB", "RSS - heap MB", "arrays"};

    public UNetBenchTable {
        training = List.copyOf(training);
        sampling = List.copyOf(sampling);
    }

    /** The three tables as aligned plain text, each after a title line, then the summary lines. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(trainingTitle()).append(System.lineSeparator());
        appendText(b, TRAINING_HEADER, training.stream().map(UNetBenchTable::cells).toList());
        b.append(System.lineSeparator()).append(samplingTitle()).append(System.lineSeparator());
        appendText(b, SAMPLING_HEADER, sampling.stream().map(UNetBenchTable::cells).toList());
        if (memory != null) {
            b.append(System.lineSeparator()).append(memoryTitle()).append(System.lineSeparator());
            appendText(b, MEMORY_HEADER, memory.points().stream().map(UNetBenchTable::cells).toList());
        }
        b.append(System.lineSeparator());
        for (String s : summary()) {
            b.append(s).append(System.lineSeparator());
        }
        return b.toString();
    }

    /** The tables in Markdown, after a record of the settings and the machine. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Model: %s (%,d parameters); data: %s; seed %d; medians of %d timed "
                + "runs, interleaved, each after an untimed warm-up of %d training iterations and a 2-step sampling "
                + "run.%n%n", modelText(), parameters, dataText(), plan.seed(), plan.repeats(),
                plan.warmupIterations()));
        b.append(String.format(Locale.ROOT, "Machine: %d CPUs (nproc), %s; Java %s; %s; DJL %s, %s. "
                + "1-minute load average %.2f at the start, %.2f at the end.%n%n", machine.cpus(), machine.cpuModel(),
                machine.java(), machine.os(), machine.djl(), machine.engine(), loadBefore, loadAfter));
        b.append(trainingTitle()).append("\n\n");
        appendMarkdown(b, TRAINING_HEADER, training.stream().map(UNetBenchTable::cells).toList());
        b.append('\n').append(samplingTitle()).append("\n\n");
        String[] sh = SAMPLING_HEADER.clone();
        sh[10] = "max \\|diff\\|";
        appendMarkdown(b, sh, sampling.stream().map(UNetBenchTable::cells).toList());
        if (memory != null) {
            b.append('\n').append(memoryTitle()).append("\n\n");
            appendMarkdown(b, MEMORY_HEADER, memory.points().stream().map(UNetBenchTable::cells).toList());
        }
        b.append('\n');
        for (String s : summary()) {
            b.append(s).append("\n\n");
        }
        return b.toString();
    }

    private String modelText() {
        return plan.model().name() + " " + new TreeMap<>(plan.model().config());
    }

    private String dataText() {
        return plan.data() == UNetBenchPlan.Data.SYNTHETIC
                ? "synthetic (" + UNetBenchPlan.SYNTHETIC_SIZE + " images of uniform random pixels)"
                : "mnist (first " + UNetBenchPlan.MNIST_LIMIT + " training images)";
    }

    private String trainingTitle() {
        return String.format(Locale.ROOT, "Training: Trainer vs bare DJL loop, batch %d, %d iterations per run, "
                + "iterations %d..%d timed in windows of %d (VP, epsilon loss, Adam lr %s with %d warm-up, EMA %s, "
                + "clipping 1)", plan.batch(), plan.iterations(), plan.logEvery() + 1, plan.iterations(),
                plan.logEvery(),
                Double.toString(UNetBenchPlan.LEARNING_RATE), UNetBenchPlan.WARMUP, Double.toString(UNetBenchPlan.EMA));
    }

    private String samplingTitle() {
        return String.format(Locale.ROOT, "Sampling: ode euler on VP, one batch of %d images, %d steps; run loop vs "
                + "bare loop", plan.sampleN(), plan.sampleSteps());
    }

    private String memoryTitle() {
        return String.format(Locale.ROOT, "Memory: %s (%,d parameters), %d training iterations of %d images, %d "
                + "intra-op thread%s, a checkpoint every %d; readings after garbage collections",
                plan.memoryModel().name() + " " + new TreeMap<>(plan.memoryModel().config()), memory.parameters(),
                memory.steps(), memory.batch(), memory.threads(), memory.threads() == 1 ? "" : "s",
                memory.checkpointEvery());
    }

    /** The thread-count ratios and the memory verdict, one line each. */
    List<String> summary() {
        List<String> out = new ArrayList<>();
        if (training.size() > 1) {
            TrainingRow base = training.get(0);
            for (int i = 1; i < training.size(); i++) {
                TrainingRow t = training.get(i);
                BenchRow s0 = sampling.get(0);
                BenchRow s = sampling.get(i);
                out.add(String.format(Locale.ROOT, "Speed-up of %d threads over %d: training x%.2f (trainer), "
                        + "x%.2f (bare); sampling x%.2f.", t.threads(), base.threads(),
                        t.imagesPerSecond() / base.imagesPerSecond(),
                        t.bareImagesPerSecond() / base.bareImagesPerSecond(),
                        s.samplesPerSecond() / s0.samplesPerSecond()));
            }
        }
        if (memory != null) {
            MemoryRun.Point w = memory.afterWarmup();
            int[] arrays = memory.arraysAfterWarmup();
            long[] range = memory.residentRangeKb();
            double[] halves = memory.halfMeansKb();
            out.add(String.format(Locale.ROOT, "Memory after warm-up (iterations %d to %d, %d readings): RSS %.1f to "
                    + "%.1f MB, mean %.1f MB in the first half of the readings and %.1f MB in the second; "
                    + "least-squares slope %+.2f MB per 1000 iterations; first to last reading %+.1f MB (outside the "
                    + "heap %+.1f MB); arrays alive %d..%d; run %.0f s.", w.iteration(), memory.last().iteration(),
                    memory.afterWarmupPoints().size(), range[0] / 1024.0, range[1] / 1024.0, halves[0] / 1024.0,
                    halves[1] / 1024.0, memory.slopeKbPer1000() / 1024.0, memory.growthKb() / 1024.0,
                    memory.nativeGrowthKb() / 1024.0, arrays[0], arrays[1], memory.seconds()));
        }
        return out;
    }

    static String[] cells(TrainingRow r) {
        return new String[] {
            Integer.toString(r.threads()),
            Integer.toString(r.batch()),
            Integer.toString(r.timedSteps()),
            String.format(Locale.ROOT, "%.1f", 1e3 * r.secondsPerStep()),
            String.format(Locale.ROOT, "%.1f", r.imagesPerSecond()),
            String.format(Locale.ROOT, "%.1f", 1e3 * r.bareSecondsPerStep()),
            String.format(Locale.ROOT, "%.1f", r.bareImagesPerSecond()),
            String.format(Locale.ROOT, "%+.1f", r.overheadPercent()),
            String.format(Locale.ROOT, "%+.2f", r.overheadMillisPerStep()),
            String.format(Locale.ROOT, "%+.1f", r.fastestOverheadPercent()),
            String.format(Locale.ROOT, "%+.1f", r.cpuOverheadPercent()),
            r.lossDiff() == 0 ? "0" : String.format(Locale.ROOT, "%.1e", r.lossDiff()),
            r.sameWeights() ? "yes" : "no",
        };
    }

    static String[] cells(BenchRow r) {
        double evals = (double) r.n() * r.nfe() / r.batches() / r.wallSeconds();
        return new String[] {
            Integer.toString(r.threads()),
            Integer.toString(r.n()),
            Integer.toString(r.steps()),
            Long.toString(r.nfe()),
            String.format(Locale.ROOT, "%.2f", r.wallSeconds()),
            String.format(Locale.ROOT, "%.1f", r.samplesPerSecond()),
            String.format(Locale.ROOT, "%.0f", evals),
            String.format(Locale.ROOT, "%.2f", r.bareWallSeconds()),
            String.format(Locale.ROOT, "%+.1f", r.overheadPercent()),
            String.format(Locale.ROOT, "%+.1f", r.cpuOverheadPercent()),
            r.maxAbsDiff() == 0 ? "0" : String.format(Locale.ROOT, "%.1e", r.maxAbsDiff()),
        };
    }

    static String[] cells(MemoryRun.Point p) {
        return new String[] {
            Integer.toString(p.iteration()),
            String.format(Locale.ROOT, "%.1f", p.residentKb() / 1024.0),
            String.format(Locale.ROOT, "%.1f", p.nativeKb() / 1024.0),
            Integer.toString(p.arrays()),
        };
    }

    private static void appendText(StringBuilder b, String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        appendLine(b, header, width);
        for (String[] r : rows) {
            appendLine(b, r, width);
        }
    }

    private static void appendLine(StringBuilder b, String[] cells, int[] width) {
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            b.append(String.format(Locale.ROOT, "%" + width[c] + "s", cells[c]));
        }
        b.append(System.lineSeparator());
    }

    private static void appendMarkdown(StringBuilder b, String[] header, List<String[]> rows) {
        b.append('|');
        for (String h : header) {
            b.append(' ').append(h).append(" |");
        }
        b.append('\n').append('|');
        for (int c = 0; c < header.length; c++) {
            b.append("---:|");
        }
        b.append('\n');
        for (String[] r : rows) {
            b.append('|');
            for (String c : r) {
                b.append(' ').append(c).append(" |");
            }
            b.append('\n');
        }
    }
}
