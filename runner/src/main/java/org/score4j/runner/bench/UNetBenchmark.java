package org.score4j.runner.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.pipeline.PipelineSpec;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.ModelFactory;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.runner.engine.Cancellation;
import org.score4j.runner.engine.Pipeline;
import org.score4j.runner.engine.PipelineAssembler;
import org.score4j.runner.engine.Registries;
import org.score4j.runner.engine.RunLoop;
import org.score4j.runner.engine.SampleResult;
import org.score4j.runner.io.Npy;
import org.score4j.runner.train.Checkpoint;
import org.score4j.runner.train.Trainer;
import org.score4j.runner.train.TrainingOptions;
import org.score4j.runner.train.TrainingSpec;

/**
 * The measurements behind {@code score4j bench-unet}, for an image model (the MNIST recipe's U-Net by default)
 * on 1×28×28 images, in this order (the memory run first, while the process has not yet grown through the larger
 * runs: memory they free stays with the allocator and would absorb a leak of the same size):
 * <ol>
 *   <li><b>memory</b> (when {@code memorySteps} &gt; 0), at the first thread count: one trainer run of the
 *       (smaller) memory model for that many iterations at {@code memoryBatch} images, a checkpoint every fifth
 *       of it, with resident memory read at 20 points (see {@link MemoryRun});</li>
 *   <li><b>training</b>, per intra-op thread count: the real {@link Trainer} (metrics file, progress listener,
 *       final checkpoint) and the {@link BareTraining bare DJL loop} each run {@code iterations} iterations,
 *       {@code repeats} times, interleaved (the order alternating), after an untimed warm-up run of each; the
 *       timed window is iterations {@code logEvery + 1 … iterations} (from the trainer's first metrics line to its
 *       last, read by its listener; the bare loop marks the same iterations), so set-up and the checkpoint
 *       written at the end are not timed. The first runs also compare the two loops' reported losses and
 *       averaged weights;</li>
 *   <li><b>sampling</b>, per thread count: {@code ode} Euler on VP with the weights of the first timed trainer
 *       run ({@code model.checkpoint}), one batch of {@code sampleN} images, through the {@link RunLoop} and
 *       through the sampler's {@link BareLoops bare loop}, interleaved, after a 2-step warm-up.</li>
 * </ol>
 * Everything runs in this process on the calling thread; files go to a temporary folder that is removed at the
 * end. Not thread-safe: it changes the calling thread's intra-op thread count (restored at the end), and
 * training records gradients, which is global to the engine.
 */
public final class UNetBenchmark {
    private final PipelineAssembler assembler;
    private final Registries registries;
    private final Trainer trainer;
    private final long settleMillis;

    /** A benchmark over the plugins of {@code assembler} (which must provide the model, vp, npy, ode, uniform). */
    public UNetBenchmark(PipelineAssembler assembler) {
        this(assembler, 200);
    }

    /** The same, pausing {@code settleMillis} after each of the three collections before a memory reading. */
    UNetBenchmark(PipelineAssembler assembler, long settleMillis) {
        this.assembler = assembler;
        this.registries = assembler.registries();
        this.trainer = new Trainer(registries);
        this.settleMillis = settleMillis;
    }

    /**
     * Runs {@code plan}.
     *
     * @param progress receives one line per phase and timed run, for a terminal
     * @throws ConfigException when the model's settings are invalid (before anything runs)
     */
    public UNetBenchTable run(UNetBenchPlan plan, Consumer<String> progress) {
        ModelFacts facts = check(plan);
        long memoryParameters = plan.memorySteps() > 0 ? modelFacts(plan.memoryModel()).parameters() : 0;
        double loadBefore = Machine.loadAverage();
        int original = IntraOpThreads.get();
        List<Integer> counts = plan.threads().isEmpty() ? List.of(original) : plan.threads();
        Path tmp;
        try {
            tmp = Files.createTempDirectory("score4j-bench-unet");
        } catch (IOException e) {
            throw new Score4jException("cannot create a temporary folder: " + e.getMessage(), e);
        }
        try {
            PluginRef data = plan.data() == UNetBenchPlan.Data.SYNTHETIC
                    ? synthetic(tmp.resolve("synthetic.npy"), facts.shape(), plan.seed())
                    : PluginRef.of("mnist").with("limit", Integer.toString(UNetBenchPlan.MNIST_LIMIT));
            TrainingSpec spec = plan.trainingSpec(data);
            // first, while the process is small: memory the larger runs free stays with the allocator and would
            // absorb (hide) a leak of the same size
            MemoryRun memory = null;
            if (plan.memorySteps() > 0) {
                IntraOpThreads.set(counts.get(0));
                memory = memoryRun(plan, spec, counts.get(0), memoryParameters, tmp.resolve("memory"), progress);
            }
            List<TrainingRow> training = new ArrayList<>();
            Path weights = null;
            for (int threads : counts) {
                IntraOpThreads.set(threads);
                Path keep = weights == null ? tmp.resolve("weights") : null;
                training.add(measureTraining(plan, spec, threads, tmp, keep, progress));
                if (weights == null) {
                    weights = keep;
                }
            }
            List<BenchRow> sampling = new ArrayList<>();
            for (int threads : counts) {
                IntraOpThreads.set(threads);
                sampling.add(measureSampling(plan, Checkpoint.list(weights).get(0), threads, progress));
            }
            return new UNetBenchTable(plan, Machine.current(), facts.parameters(), loadBefore, Machine.loadAverage(),
                    training, sampling, memory);
        } finally {
            IntraOpThreads.set(original);
            deleteTree(tmp);
        }
    }

    /**
     * Checks the plan's models (valid settings, trainable, images; the memory run's of the same shape) without
     * running anything; {@link #run} checks the same first.
     *
     * @throws ConfigException naming the problem
     */
    public void validate(UNetBenchPlan plan) {
        check(plan);
    }

    private ModelFacts check(UNetBenchPlan plan) {
        ModelFacts facts = modelFacts(plan.model());
        if (plan.memorySteps() > 0) {
            ModelFacts small = modelFacts(plan.memoryModel());
            if (!small.shape().equals(facts.shape())) {
                throw new ConfigException("the memory run's model has samples of shape " + small.shape()
                        + ", the benchmark's " + facts.shape() + "; give both the same image shape");
            }
        }
        return facts;
    }

    private TrainingRow measureTraining(UNetBenchPlan plan, TrainingSpec spec, int threads, Path tmp, Path keep,
            Consumer<String> progress) {
        if (plan.warmupIterations() > 0) {
            progress.accept(String.format(Locale.ROOT, "training, threads %d: warm-up (%d iterations each)", threads,
                    plan.warmupIterations()));
            int w = plan.warmupIterations();
            Path dir = tmp.resolve("warm-up-" + threads);
            trainer.train(spec, new TrainingOptions(w, w, 1, w), dir, p -> { });
            deleteTree(dir);
            BareTraining.run(registries, spec, w, w);
        }
        TrainingOptions options = new TrainingOptions(plan.iterations(), plan.iterations(), 1, plan.logEvery());
        int timed = plan.iterations() - plan.logEvery();
        int windows = (timed + plan.logEvery() - 1) / plan.logEvery();
        List<Double> trainerWall = new ArrayList<>();
        List<Double> bareWall = new ArrayList<>();
        List<Double> trainerCpu = new ArrayList<>();
        List<Double> bareCpu = new ArrayList<>();
        double lossDiff = Double.NaN;
        boolean sameWeights = false;
        for (int r = 0; r < plan.repeats(); r++) {
            boolean bareFirst = r % 2 == 1;
            BareTraining.Result bare = null;
            if (bareFirst) {
                bare = timeBare(plan, spec, timed, bareWall, bareCpu);
            }
            Path dir = r == 0 && keep != null ? keep : tmp.resolve("train-" + threads + "-" + r);
            List<BareTraining.Mark> marks = new ArrayList<>();
            System.gc();
            trainer.train(spec, options, dir, p -> {
                if (p.checkpoint() == null) {
                    marks.add(new BareTraining.Mark(p.iteration(), System.nanoTime(), Machine.processCpuNanos(),
                            p.loss()));
                }
            });
            window(marks, plan.logEvery(), plan.iterations(), timed, trainerWall, trainerCpu);
            if (!bareFirst) {
                bare = timeBare(plan, spec, timed, bareWall, bareCpu);
            }
            if (r == 0) {
                lossDiff = lossDiff(marks, bare.marks());
                sameWeights = BareTraining.sha256(readAll(Checkpoint.list(dir).get(0)
                        .resolve(CheckpointLayout.EMA_WEIGHTS))).equals(bare.averageSha256());
            }
            if (dir != keep) {
                deleteTree(dir);
            }
            progress.accept(String.format(Locale.ROOT, "training, threads %d, run %d/%d: trainer %.1f ms/iteration, "
                    + "bare %.1f ms/iteration", threads, r + 1, plan.repeats(), 1e3 * lastRun(trainerWall, windows),
                    1e3 * lastRun(bareWall, windows)));
        }
        return new TrainingRow(threads, plan.batch(), timed, plan.logEvery(), trainerWall, bareWall, trainerCpu, bareCpu, lossDiff,
                sameWeights);
    }

    private BareTraining.Result timeBare(UNetBenchPlan plan, TrainingSpec spec, int timed, List<Double> wall,
            List<Double> cpu) {
        System.gc();
        BareTraining.Result r = BareTraining.run(registries, spec, plan.iterations(), plan.logEvery());
        window(r.marks(), plan.logEvery(), plan.iterations(), timed, wall, cpu);
        return r;
    }

    /**
     * Adds the seconds per iteration of every window between consecutive marks, from the mark at {@code from}
     * on (the trainer's metrics lines: windows of {@code logEvery} iterations, the last one possibly shorter).
     */
    private static void window(List<BareTraining.Mark> marks, int from, int to, int timed, List<Double> wall,
            List<Double> cpu) {
        BareTraining.Mark a = mark(marks, from);
        int steps = 0;
        for (BareTraining.Mark b : marks) {
            if (b.iteration() <= from) {
                continue;
            }
            int d = b.iteration() - a.iteration();
            wall.add((b.nanos() - a.nanos()) / 1e9 / d);
            cpu.add((b.cpuNanos() - a.cpuNanos()) / 1e9 / d);
            steps += d;
            a = b;
        }
        if (steps != timed || a.iteration() != to) {
            throw new IllegalStateException("progress reports cover " + steps + " of " + timed + " timed iterations");
        }
    }

    private static BareTraining.Mark mark(List<BareTraining.Mark> marks, int iteration) {
        for (BareTraining.Mark m : marks) {
            if (m.iteration() == iteration) {
                return m;
            }
        }
        throw new IllegalStateException("no progress report at iteration " + iteration);
    }

    /** The largest |Δ loss| at the iterations both report; infinite when they report different iterations. */
    static double lossDiff(List<BareTraining.Mark> a, List<BareTraining.Mark> b) {
        if (a.size() != b.size()) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).iteration() != b.get(i).iteration()) {
                return Double.POSITIVE_INFINITY;
            }
            double d = Math.abs(a.get(i).loss() - b.get(i).loss());
            m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(m, d);
        }
        return m;
    }

    private BenchRow measureSampling(UNetBenchPlan plan, Path checkpoint, int threads, Consumer<String> progress) {
        PluginRef model = plan.model().with(CheckpointLayout.CHECKPOINT_KEY, checkpoint.toString());
        int n = plan.sampleN();
        PipelineSpec spec = BenchSampler.ODE_EULER.spec(n, plan.sampleSteps(), plan.seed(), n).withModel(model);
        progress.accept(String.format(Locale.ROOT, "sampling, threads %d: warm-up (2 steps each)", threads));
        try (Pipeline warm = assembler.assemble(spec.withSteps(Math.min(2, plan.sampleSteps())))) {
            RunLoop.run(warm, "warm-up", e -> { }, new Cancellation());
            BareLoops.run(BenchSampler.ODE_EULER, warm);
        }
        List<Double> runnerWall = new ArrayList<>();
        List<Double> bareWall = new ArrayList<>();
        List<Double> runnerCpu = new ArrayList<>();
        List<Double> bareCpu = new ArrayList<>();
        double diff = Double.NaN;
        long nfe = 0;
        try (Pipeline p = assembler.assemble(spec)) {
            for (int r = 0; r < plan.repeats(); r++) {
                boolean bareFirst = r % 2 == 1;
                float[] bare = null;
                if (bareFirst) {
                    bare = timeBareSampling(p, bareWall, bareCpu);
                }
                System.gc();
                long c0 = Machine.processCpuNanos();
                long t0 = System.nanoTime();
                SampleResult result = RunLoop.run(p, "bench", e -> { }, new Cancellation());
                runnerWall.add((System.nanoTime() - t0) / 1e9);
                runnerCpu.add((Machine.processCpuNanos() - c0) / 1e9);
                nfe = result.nfe();
                if (!bareFirst) {
                    bare = timeBareSampling(p, bareWall, bareCpu);
                }
                if (r == 0) {
                    diff = Benchmark.maxAbsDiff(result.data(), bare);
                }
                progress.accept(String.format(Locale.ROOT, "sampling, threads %d, run %d/%d: runner %.2f s, bare "
                        + "%.2f s", threads, r + 1, plan.repeats(), last(runnerWall), last(bareWall)));
            }
        }
        return new BenchRow(BenchSampler.ODE_EULER, threads, n, 1, plan.sampleSteps(), nfe, runnerWall, bareWall,
                runnerCpu, bareCpu, diff);
    }

    private static float[] timeBareSampling(Pipeline p, List<Double> wall, List<Double> cpu) {
        System.gc();
        long c0 = Machine.processCpuNanos();
        long t0 = System.nanoTime();
        float[] data = BareLoops.run(BenchSampler.ODE_EULER, p);
        wall.add((System.nanoTime() - t0) / 1e9);
        cpu.add((Machine.processCpuNanos() - c0) / 1e9);
        return data;
    }

    private MemoryRun memoryRun(UNetBenchPlan plan, TrainingSpec spec, int threads, long parameters, Path dir,
            Consumer<String> progress) {
        int steps = plan.memorySteps();
        int every = Math.max(1, steps / 20);
        int checkpointEvery = Math.max(1, steps / 5);
        progress.accept(String.format(Locale.ROOT, "memory, threads %d: %d iterations of %d images, resident memory "
                + "every %d", threads, steps, plan.memoryBatch(), every));
        List<MemoryRun.Point> points = new ArrayList<>();
        long t0 = System.nanoTime();
        trainer.train(spec.withModel(plan.memoryModel()).withBatchSize(plan.memoryBatch()),
                new TrainingOptions(steps, checkpointEvery, 2, every),
                dir, p -> {
                    if (p.checkpoint() == null) {
                        settle();
                        MemoryRun.Point point = new MemoryRun.Point(p.iteration(), Machine.residentKb(),
                                Machine.heapCommittedKb(), engineArrays());
                        points.add(point);
                        progress.accept(String.format(Locale.ROOT, "memory: iteration %d, RSS %.1f MB, arrays %d",
                                point.iteration(), point.residentKb() / 1024.0, point.arrays()));
                    }
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        deleteTree(dir);
        return new MemoryRun(threads, plan.memoryBatch(), steps, checkpointEvery, parameters, points, seconds);
    }

    /**
     * Collects garbage three times, {@code settleMillis} apart (200 ms), so that the cleaners of released direct buffers (DJL copies
     * Java arrays through them) have run before resident memory is read.
     */
    private void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(settleMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The arrays alive in every DJL manager (counted from the engine's root manager). */
    static int engineArrays() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDManager r = m;
            while (r.getParentManager() != null && r.getParentManager() != r) {
                r = r.getParentManager();
            }
            return r.getManagedArrays().size();
        }
    }

    /** The model's sample shape and parameter count, from one instance (which also validates its settings). */
    private record ModelFacts(Shape shape, long parameters) {}

    private ModelFacts modelFacts(PluginRef ref) {
        ModelFactory f = registries.models().get(ref.name());
        if (f == null) {
            throw new UnknownPluginException("model", ref.name(), registries.models().keySet());
        }
        try (ScoreModel m = f.create(PluginConfig.of("model", f, ref.config()))) {
            if (!(m instanceof TrainableScoreModel t)) {
                throw new ConfigException("model '" + ref.name() + "' is not trainable; bench-unet trains it");
            }
            if (t.sampleShape().dimension() != 3) {
                throw new ConfigException("model '" + ref.name() + "' has samples of shape " + t.sampleShape()
                        + "; bench-unet needs images (C, H, W)");
            }
            long count = 0;
            for (Pair<String, Parameter> p : t.network().getParameters()) {
                count += p.getValue().getArray().size();
            }
            return new ModelFacts(t.sampleShape(), count);
        }
    }

    /** Writes the synthetic images and returns the {@code npy} reference that reads them. */
    static PluginRef synthetic(Path file, Shape shape, long seed) {
        int d = Math.toIntExact(shape.size());
        float[] pixels = new float[UNetBenchPlan.SYNTHETIC_SIZE * d];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextInt(256);
        }
        long[] dims = new long[shape.dimension() + 1];
        dims[0] = UNetBenchPlan.SYNTHETIC_SIZE;
        System.arraycopy(shape.getShape(), 0, dims, 1, shape.dimension());
        Npy.write(file, pixels, dims);
        return PluginRef.of("npy").with("path", file.toString()).with("scale", "bytes");
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The mean seconds per iteration of the last run's windows (all of equal length but maybe the last). */
    private static double lastRun(List<Double> perWindow, int windows) {
        double sum = 0;
        for (int i = perWindow.size() - windows; i < perWindow.size(); i++) {
            sum += perWindow.get(i);
        }
        return sum / windows;
    }

    private static double last(List<Double> l) {
        return l.get(l.size() - 1);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
