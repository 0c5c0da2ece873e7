package org.score4j.runner.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.score4j.api.event.RunEvent;
import org.score4j.api.event.StepEvent;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.PipelineAssembler;
import org.score4j.runner.engine.RunLoop;
import org.score4j.runner.engine.SampleResult;

/**
 * The measurements behind {@code score4j bench}: for each intra-op thread count of the plan, each sampler runs
 * through the real runner path (the pipeline assembler and {@link RunLoop}, with a listener that only counts
 * steps) and, where {@link BareLoops} has one, through its bare DJL loop.
 *
 * <p>Method: all pipelines are assembled first (assembly is not timed); every sampler and bare loop then
 * runs once untimed with the plan's warm-up steps and the same n; then, {@code repeats} times, every sampler
 * runs through the runner and the bare loop back to back, alternating which goes first, with a garbage
 * collection before each timed run. The table reports medians. The first timed runs also compare the bare
 * loop's samples with the runner's.
 *
 * <p>Not thread-safe: it changes PyTorch's intra-op thread count of the calling thread while it runs (and
 * restores it at the end).
 */
public final class Benchmark {
    private final PipelineAssembler assembler;

    /** A benchmark over the plugins of {@code assembler} (which must provide vp, gmm, uniform, pc and ode). */
    public Benchmark(PipelineAssembler assembler) {
        this.assembler = assembler;
    }

    /**
     * Runs {@code plan}.
     *
     * @param progress receives one line per timed run (and per phase), for a terminal
     */
    public BenchTable run(BenchPlan plan, Consumer<String> progress) {
        List<BenchRow> rows = new ArrayList<>();
        double loadBefore = Machine.loadAverage();
        int original = IntraOpThreads.get();
        List<Integer> counts = plan.threads().isEmpty() ? List.of(original) : plan.threads();
        try {
            for (int threads : counts) {
                IntraOpThreads.set(threads);
                rows.addAll(measure(plan, threads, progress));
            }
        } finally {
            IntraOpThreads.set(original);
        }
        return new BenchTable(plan, Machine.current(), loadBefore, Machine.loadAverage(), rows);
    }

    private List<BenchRow> measure(BenchPlan plan, int threads, Consumer<String> progress) {
        List<BenchPlan.Entry> entries = plan.entries();
        int k = entries.size();
        List<Pipeline> pipelines = new ArrayList<>();
        try {
            for (BenchPlan.Entry e : entries) {
                pipelines.add(assembler.assemble(e.sampler().spec(plan.n(), e.steps(), plan.seed(),
                        plan.batchSize())));
            }
            if (plan.warmupSteps() > 0) {
                progress.accept(String.format(Locale.ROOT, "threads %d: warm-up (%d steps per sampler)", threads,
                        plan.warmupSteps()));
                for (BenchPlan.Entry e : entries) {
                    warmUp(plan, e);
                }
            }
            List<List<Double>> runner = new ArrayList<>();
            List<List<Double>> bare = new ArrayList<>();
            List<List<Double>> runnerCpu = new ArrayList<>();
            List<List<Double>> bareCpu = new ArrayList<>();
            double[] diff = new double[k];
            long[] nfe = new long[k];
            int[] steps = new int[k];
            for (int i = 0; i < k; i++) {
                runner.add(new ArrayList<>());
                bare.add(new ArrayList<>());
                runnerCpu.add(new ArrayList<>());
                bareCpu.add(new ArrayList<>());
            }
            for (int r = 0; r < plan.repeats(); r++) {
                for (int i = 0; i < k; i++) {
                    BenchSampler s = entries.get(i).sampler();
                    Pipeline p = pipelines.get(i);
                    boolean bareFirst = s.hasBareLoop() && r % 2 == 1;
                    float[] bareData = null;
                    if (bareFirst) {
                        bareData = timeBare(s, p, bare.get(i), bareCpu.get(i));
                    }
                    StepCounter counter = new StepCounter();
                    System.gc();
                    long c0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    SampleResult result = RunLoop.run(p, "bench", counter, new Cancellation());
                    runner.get(i).add((System.nanoTime() - t0) / 1e9);
                    runnerCpu.get(i).add((processCpuNanos() - c0) / 1e9);
                    nfe[i] = result.nfe();
                    steps[i] = counter.maxStep;
                    if (s.hasBareLoop() && !bareFirst) {
                        bareData = timeBare(s, p, bare.get(i), bareCpu.get(i));
                    }
                    if (r == 0) {
                        diff[i] = bareData == null ? Double.NaN : maxAbsDiff(result.data(), bareData);
                    }
                    progress.accept(String.format(Locale.ROOT, "threads %d, run %d/%d, %s: runner %.2f s%s",
                            threads, r + 1, plan.repeats(), s.label(), last(runner.get(i)),
                            s.hasBareLoop() ? String.format(Locale.ROOT, ", bare %.2f s", last(bare.get(i))) : ""));
                }
            }
            List<BenchRow> rows = new ArrayList<>();
            int batches = (plan.n() + plan.batchSize() - 1) / plan.batchSize();
            for (int i = 0; i < k; i++) {
                rows.add(new BenchRow(entries.get(i).sampler(), threads, plan.n(), batches, steps[i], nfe[i],
                        runner.get(i), bare.get(i), runnerCpu.get(i), bareCpu.get(i), diff[i]));
            }
            return rows;
        } finally {
            pipelines.forEach(Pipeline::close);
        }
    }

    /** One untimed run of the sampler and its bare loop with the warm-up steps and the plan's n. */
    private void warmUp(BenchPlan plan, BenchPlan.Entry e) {
        PipelineSpec spec = e.sampler().spec(plan.n(), Math.min(plan.warmupSteps(), e.steps()), plan.seed(),
                plan.batchSize());
        if (e.sampler() == BenchSampler.ODE_RK45) {
            // the adaptive solver ignores the grid: loose tolerances keep its warm-up short
            spec = spec.withSolver(spec.solver().with("rtol", "1e-2").with("atol", "1e-2"));
        }
        try (Pipeline p = assembler.assemble(spec)) {
            RunLoop.run(p, "warm-up", event -> { }, new Cancellation());
            if (e.sampler().hasBareLoop()) {
                BareLoops.run(e.sampler(), p);
            }
        }
    }

    private static float[] timeBare(BenchSampler s, Pipeline p, List<Double> wall, List<Double> cpu) {
        System.gc();
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        float[] data = BareLoops.run(s, p);
        wall.add((System.nanoTime() - t0) / 1e9);
        cpu.add((processCpuNanos() - c0) / 1e9);
        return data;
    }

    private static long processCpuNanos() {
        return Machine.processCpuNanos();
    }

    private static double last(List<Double> l) {
        return l.get(l.size() - 1);
    }

    /** The largest |a[i] − b[i]|; infinite when the lengths differ or a value is NaN in one only. */
    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) == Float.floatToIntBits(b[i])) {
                continue;
            }
            double d = Math.abs((double) a[i] - b[i]);
            m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
        }
        return m;
    }

    /** The cheapest useful listener: it keeps the latest step number of the run. */
    private static final class StepCounter implements Consumer<RunEvent> {
        int maxStep;

        @Override
        public void accept(RunEvent e) {
            if (e instanceof StepEvent s && s.step() > maxStep) {
                maxStep = s.step();
            }
        }
    }
}
