package org.score4j.runner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.data.Dataset;
import org.score4j.api.model.CheckpointLayout;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.ConfigKey;
import org.score4j.api.plugin.ConfigType;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.runner.engine.Registries;
import org.score4j.runner.engine.Versions;
import org.score4j.runner.io.IoWriter;

/**
 * Trains a score network by denoising score matching (Song et al. 2021, eq. 7; Vincent 2011): each iteration
 * draws a batch x₀, a time t ~ U[ε, T] (ε = the SDE's {@code t0}) and noise z ~ N(0, I) per example, forms
 * x_t = m(t)·x₀ + σ(t)·z, converts the network's output to a score through the model's
 * {@link org.score4j.api.model.Parameterization} and minimizes the {@link ScoreMatchingLoss} with
 * {@link Adam}, global-norm gradient clipping, optional linear warm-up and an {@link Ema exponential moving
 * average} of the weights, which checkpoints store for sampling.
 *
 * <p><b>Classes.</b> A class-conditional model ({@link TrainableScoreModel#numClasses()} = K &gt; 0) is trained on
 * the data set's labels, its network taking {@code NDList(x_t, t, labels)}; with label dropout P
 * ({@link TrainingSpec#condDropout()}) each example's label is replaced by the null label K with probability P
 * (Ho &amp; Salimans 2022, §3.2), so one network learns p(x | c) and p(x). The data set must be labelled with
 * exactly K classes (labels in [0, K)), checked over every example before the first iteration. When P &gt; 0 and
 * the model's {@value TrainableScoreModel#NUM_CLASSES_KEY} key is not set, K is the data set's class count. The
 * checkpoint's {@link CheckpointLayout#CONDITIONING} entry records K and P.
 *
 * <p><b>Determinism.</b> Everything random derives from the run seed: the parameters from
 * {@link TrainableScoreModel#initializeParameters(long)}, the data order from {@link BatchSampler}, and t and z
 * from {@link PerSampleNoise} streams indexed by the example's position (iteration − 1)·B + row, and so is the
 * {@link LabelDropout label dropout} (from streams of their own, so it leaves t and z as they are). Iteration k
 * is therefore a function of the seed, k and the state after k − 1, and the state is what a checkpoint holds
 * (weights, averaged weights, Adam's moments and step): the same seed gives the same bits, and a run resumed
 * from a checkpoint continues exactly as the uninterrupted run (on the same engine and thread count; with more
 * than one intra-op thread PyTorch's CPU kernels are not bit-reproducible; constants on the gradient path are
 * kept in engine-owned memory, see GraphConstants, so a garbage collection cannot change a backward pass).
 *
 * <p><b>Memory.</b> Each iteration runs in a sub-manager; the parameters, averaged parameters and moments
 * are attached to it temporarily and return to their managers when it closes, so everything else the
 * iteration created (batch, activations, gradients' handles, loss) is freed and native memory stays flat.
 *
 * <p><b>Failures.</b> A non-finite loss or gradient stops training before the update is applied, with a
 * {@link TrainingFailedException} naming the iteration and the last good checkpoint; nothing is written after
 * it. Configuration problems (unknown plugins, a model that is not trainable, data of another shape, a
 * resume with other settings) are {@link ConfigException}s raised before the first iteration.
 *
 * <p>The engine's gradient recording is global to the process, so train one model at a time per process.
 * A trainer itself is stateless and thread-safe.
 */
public final class Trainer {
    private final Registries registries;

    public Trainer(Registries registries) {
        this.registries = Objects.requireNonNull(registries, "registries");
    }

    /**
     * Trains a new run, writing checkpoints and {@code metrics.jsonl} into {@code out} (created when missing;
     * it must hold no checkpoint — a {@code metrics.jsonl} left by a run that failed before its first
     * checkpoint is replaced).
     *
     * @param listener receives progress every {@code options.logEvery()} iterations and after each checkpoint
     */
    public TrainingResult train(TrainingSpec spec, TrainingOptions options, Path out,
            Consumer<TrainingProgress> listener) {
        checkFreshOutput(out);
        try (Session s = new Session(spec)) {
            s.initialize();
            createFolder(out);
            try (MetricsLog metrics = MetricsLog.open(out, null, 0)) {
                return s.run(0, 0, options, out, metrics, null, listener);
            }
        }
    }

    /**
     * Continues the run of checkpoint {@code from} up to {@code options.iterations()}. {@code spec} must
     * describe the same run (take it from {@link Checkpoint#spec()} and change nothing but what
     * {@link TrainingOptions} holds); {@code out} defaults to the checkpoint's run folder, which must hold no
     * later checkpoint.
     *
     * @throws ConfigException when the spec differs from the checkpoint's (naming the first difference), the
     *     checkpoint has reached {@code options.iterations()} already, or {@code out} holds later checkpoints
     */
    public TrainingResult resume(Checkpoint from, TrainingSpec spec, TrainingOptions options, Path out,
            Consumer<TrainingProgress> listener) {
        checkSameRun(from, spec);
        int start = from.iteration();
        if (options.iterations() <= start) {
            throw new ConfigException("checkpoint " + from.dir() + " is at iteration " + start
                    + "; give more iterations than that (e.g. --iterations " + (start + start) + ") to continue");
        }
        Path runDir = out == null ? from.runDir() : out;
        boolean sameFolder = runDir.toAbsolutePath().normalize().equals(from.runDir());
        if (sameFolder) {
            for (Path p : Checkpoint.list(runDir)) {
                if (Checkpoint.iterationOf(p) > start) {
                    throw new ConfigException(runDir + " holds a later checkpoint (" + p.getFileName()
                            + ") than the one resumed (iteration " + start + "); resuming would overwrite it: "
                            + "give another --out, or remove the later checkpoints");
                }
            }
        } else {
            checkFreshOutput(runDir);
        }
        try (Session s = new Session(spec)) {
            s.restore(from);
            createFolder(runDir);
            try (MetricsLog metrics = MetricsLog.open(runDir, sameFolder ? null : from.runDir(), start)) {
                return s.run(start, from.elapsedSeconds(), options, runDir, metrics, from.dir(), listener);
            }
        }
    }

    /**
     * Checks that {@code spec} describes the run of {@code from}: the same data, model and SDE with the same
     * effective configuration (defaults filled in, paths made absolute) and the same optimization settings.
     *
     * @throws ConfigException naming the first difference
     */
    public void checkSameRun(Checkpoint from, TrainingSpec spec) {
        TrainingSpec was = from.spec();
        String ck = "checkpoint " + from.dir();
        comparePlugin(ck, "data", registries.datasets(), was.data(), spec.data());
        comparePlugin(ck, "model", registries.models(), was.model(), spec.model());
        comparePlugin(ck, "sde", registries.sdes(), was.sde(), spec.sde());
        compare(ck, "--batch", was.batchSize(), spec.batchSize());
        compare(ck, "--lr", was.learningRate(), spec.learningRate());
        compare(ck, "--ema", was.emaDecay(), spec.emaDecay());
        compare(ck, "--seed", was.seed(), spec.seed());
        compare(ck, "--loss", was.loss().word(), spec.loss().word());
        compare(ck, "--grad-clip", was.gradClip(), spec.gradClip());
        compare(ck, "--warmup", was.warmup(), spec.warmup());
        compare(ck, "--cond-dropout", was.condDropout(), spec.condDropout());
    }

    private static void compare(String ck, String flag, Object was, Object now) {
        if (!was.equals(now)) {
            throw new ConfigException("cannot resume with " + flag + " " + now + ": " + ck + " was trained with "
                    + was + "; a resumed run keeps its settings (start a new run to change them)");
        }
    }

    private <F extends PluginFactory<?>> void comparePlugin(String ck, String kind, Map<String, F> factories,
            PluginRef was, PluginRef now) {
        if (!was.name().equals(now.name())) {
            throw new ConfigException("cannot resume with " + kind + " '" + now.name() + "': " + ck
                    + " was trained with " + kind + " '" + was.name() + "'");
        }
        F f = factories.get(now.name());
        if (f == null) {
            throw new UnknownPluginException(kind, now.name(), factories.keySet());
        }
        Map<String, Object> a = effective(kind, f, was);
        Map<String, Object> b = effective(kind, f, now);
        for (String key : f.configKeys().keySet()) {
            if (!Objects.equals(a.get(key), b.get(key))) {
                throw new ConfigException("cannot resume with " + kind + "." + key + "=" + b.get(key) + ": " + ck
                        + " was trained with " + kind + "." + key + "=" + a.get(key)
                        + "; a resumed run keeps its " + kind + " settings");
            }
        }
    }

    /** The typed configuration with defaults, path values made absolute. */
    public static Map<String, Object> effective(String kind, PluginFactory<?> f, PluginRef ref) {
        PluginConfig c = PluginConfig.of(kind, f, ref.config());
        Map<String, Object> out = new TreeMap<>();
        c.values().forEach((k, v) -> {
            ConfigKey key = f.configKeys().get(k);
            if (key != null && key.type() == ConfigType.PATH && v instanceof String s) {
                try {
                    v = Path.of(s).toAbsolutePath().normalize().toString();
                } catch (java.nio.file.InvalidPathException e) {
                    // left as given; the plugin reports it
                }
            }
            out.put(k, v);
        });
        return out;
    }

    private static void checkFreshOutput(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException("output folder " + out + " is a file; give a folder for --out");
        }
        List<Path> existing = Checkpoint.list(out);
        if (!existing.isEmpty()) {
            throw new ConfigException("output folder " + out + " already holds a training run ("
                    + existing.get(existing.size() - 1).getFileName() + "); continue it with --resume " + out
                    + " or give another --out");
        }
    }

    private static void createFolder(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new Score4jException("cannot create output folder " + out + ": " + e.getMessage(), e);
        }
    }

    /** A plugin created from a reference, with its effective configuration for the manifest. */
    private record Created<T>(String name, Map<String, Object> config, T instance) {
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("config", config);
            return m;
        }
    }

    /**
     * The loss of one batch, as a step records it for its backward pass: the network's output in training mode
     * on {@code inputs} = (x_t, t[, labels]), converted to the score with the per-row marginals, and the loss
     * against the noise. Every array it records lives in {@code step} (which closes after the backward pass) or
     * in engine-owned memory.
     *
     * @param mean m(t) per row, shape {@code [b]}
     * @param std σ(t) per row, shape {@code [b]}
     * @param z the noise that made x_t
     * @param stdRows σ(t) per row, shape {@code [b, 1, ...]}
     */
    static NDArray batchLoss(TrainableScoreModel model, ScoreMatchingLoss loss, NDManager step, NDList inputs,
            NDArray mean, NDArray std, NDArray z, NDArray stdRows) {
        NDArray output = model.network().forward(new ParameterStore(step, false), inputs, true).singletonOrThrow();
        NDArray score = model.parameterization().toScore(output, inputs.get(0), mean, std);
        return loss.compute(score, z, stdRows);
    }

    private static <T, F extends PluginFactory<T>> Created<T> create(String kind, Map<String, F> factories,
            PluginRef ref) {
        F f = factories.get(ref.name());
        if (f == null) {
            throw new UnknownPluginException(kind, ref.name(), factories.keySet());
        }
        Map<String, Object> config = effective(kind, f, ref);
        Map<String, String> text = new TreeMap<>();
        config.forEach((k, v) -> text.put(k, String.valueOf(v)));
        T instance;
        try {
            instance = f.create(PluginConfig.of(kind, f, text));
        } catch (Score4jException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(kind + " '" + ref.name() + "' failed to start: " + e, e);
        }
        if (instance == null) {
            throw new ConfigException(kind + " '" + ref.name() + "' created nothing");
        }
        return new Created<>(ref.name(), config, instance);
    }

    /** The live objects of one run. */
    private final class Session implements AutoCloseable {
        private final TrainingSpec spec;
        private final NDManager root;
        private final List<AutoCloseable> owned = new ArrayList<>();
        private final Created<Dataset> data;
        private final Created<Sde> sde;
        private final Created<ScoreModel> modelRef;
        private final TrainableScoreModel model;
        private final TrainableScoreModel average;
        private final List<Integer> trainable = new ArrayList<>();
        private Adam adam;

        Session(TrainingSpec spec) {
            this.spec = spec;
            this.root = NDManager.newBaseManager();
            owned.add(root);
            try {
                this.sde = create("sde", registries.sdes(), spec.sde());
                this.data = create("data", registries.datasets(), spec.data());
                owned.add(data.instance());
                PluginRef modelSpec = withDataClasses(spec.model());
                this.modelRef = create("model", registries.models(), modelSpec);
                owned.add(modelRef.instance());
                this.model = trainable(modelRef);
                Created<ScoreModel> avg = create("model", registries.models(), modelSpec);
                owned.add(avg.instance());
                this.average = (TrainableScoreModel) avg.instance();
                checkShapes();
                checkClasses();
                ParameterList params = model.network().getParameters();
                for (int i = 0; i < params.size(); i++) {
                    if (params.get(i).getValue().requiresGradient()) {
                        trainable.add(i);
                    }
                }
                if (trainable.isEmpty()) {
                    throw new ConfigException("model '" + modelRef.name() + "' has no trainable parameters");
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private TrainableScoreModel trainable(Created<ScoreModel> m) {
            if (!(m.instance() instanceof TrainableScoreModel t)) {
                throw new ConfigException("model '" + m.name() + "' cannot be trained: it is not a network with "
                        + "parameters; use a trainable model such as mlp");
            }
            if (t.trained()) {
                throw new ConfigException("model '" + m.name() + "' was given trained weights (model."
                        + CheckpointLayout.CHECKPOINT_KEY + "); to continue a training run use --resume DIR");
            }
            return t;
        }

        /**
         * The model with {@value TrainableScoreModel#NUM_CLASSES_KEY} set to the data set's class count, when
         * label dropout is asked for, the model has the key and it is not set.
         */
        private PluginRef withDataClasses(PluginRef ref) {
            String key = TrainableScoreModel.NUM_CLASSES_KEY;
            PluginFactory<?> f = registries.models().get(ref.name());
            if (spec.condDropout() == 0 || f == null || !f.configKeys().containsKey(key)
                    || ref.config().containsKey(key)) {
                return ref;
            }
            int k = data.instance().numClasses();
            if (k == 0) {
                throw new ConfigException("--cond-dropout " + spec.condDropout() + " trains a class-conditional "
                        + "model on the data's labels, but data '" + data.name() + "' has no labels; use a "
                        + "labelled data set (gmm-samples, mnist, fashion-mnist, npy with data.labels)");
            }
            return ref.with(key, String.valueOf(k));
        }

        /** The model's classes against the data's labels and the label dropout. */
        private void checkClasses() {
            int k = model.numClasses();
            String key = "model." + TrainableScoreModel.NUM_CLASSES_KEY;
            Dataset ds = data.instance();
            if (k == 0) {
                if (spec.condDropout() > 0) {
                    boolean hasKey = registries.models().get(modelRef.name()).configKeys()
                            .containsKey(TrainableScoreModel.NUM_CLASSES_KEY);
                    throw new ConfigException("--cond-dropout " + spec.condDropout() + " needs a class-conditional "
                            + "model, but model '" + modelRef.name() + "' " + (hasKey ? "has " + key + "=0; set "
                            + key + "=K (or drop it: the data's class count is taken)" : "has no classes")
                            + ", or use --cond-dropout 0");
                }
                return;
            }
            if (ds.numClasses() == 0) {
                throw new ConfigException(key + "=" + k + " needs a labelled data set, but data '" + data.name()
                        + "' has no labels; use a labelled data set (gmm-samples, mnist, fashion-mnist, npy with "
                        + "data.labels) or " + key + "=0");
            }
            if (ds.numClasses() != k) {
                throw new ConfigException("data '" + data.name() + "' has " + ds.numClasses() + " classes, but "
                        + key + "=" + k + "; set " + key + "=" + ds.numClasses());
            }
            int[] all = new int[ds.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            int[] labels = ds.labels(all);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= k) {
                    throw new ConfigException("data '" + data.name() + "' example " + i + " has "
                            + (labels[i] < 0 ? "no label" : "label " + labels[i]) + "; " + key + "=" + k
                            + " needs every label in [0, " + (k - 1) + "]");
                }
            }
        }

        private void checkShapes() {
            Shape d = data.instance().sampleShape();
            Shape m = model.sampleShape();
            if (!d.equals(m)) {
                Map<String, ConfigKey> keys = registries.models().get(modelRef.name()).configKeys();
                String hint = "";
                if (d.dimension() == 1 && keys.containsKey("dim")) {
                    hint = "; set model.dim=" + d.get(0);
                } else if (d.dimension() == 3 && keys.containsKey("channels")) {
                    hint = "; set model.channels=" + d.get(0) + "," + d.get(1) + "," + d.get(2);
                }
                throw new ConfigException("data '" + data.name() + "' has examples of shape " + d + ", model '"
                        + modelRef.name() + "' expects " + m + hint);
            }
            if (data.instance().size() <= 0) {
                throw new ConfigException("data '" + data.name() + "' holds no examples");
            }
        }

        private List<NDArray> arrays(TrainableScoreModel m) {
            ParameterList params = m.network().getParameters();
            List<NDArray> out = new ArrayList<>(trainable.size());
            for (int i : trainable) {
                out.add(params.get(i).getValue().getArray());
            }
            return out;
        }

        private List<String> names() {
            ParameterList params = model.network().getParameters();
            List<String> out = new ArrayList<>();
            for (int i : trainable) {
                out.add(params.get(i).getKey());
            }
            return out;
        }

        /** A fresh run: seeded parameters, the average equal to them, zero moments. */
        void initialize() {
            long init = Seeds.derive(spec.seed(), Seeds.INIT);
            model.initializeParameters(init);
            average.initializeParameters(init);
            average.network().freezeParameters(true);
            adam = new Adam(names(), arrays(model), root);
        }

        /** The state of a checkpoint. */
        void restore(Checkpoint from) {
            load(model, from, CheckpointLayout.WEIGHTS);
            load(average, from, CheckpointLayout.EMA_WEIGHTS);
            average.network().freezeParameters(true);
            adam = new Adam(names(), arrays(model), root);
            try (InputStream in = Files.newInputStream(from.file(CheckpointLayout.OPTIMIZER))) {
                adam.load(in, from.optimizerStep(), root);
            } catch (IOException e) {
                throw new Score4jException("checkpoint " + from.dir() + ": cannot load "
                        + CheckpointLayout.OPTIMIZER + ": " + e.getMessage(), e);
            }
        }

        private void load(TrainableScoreModel m, Checkpoint from, String file) {
            try (InputStream in = Files.newInputStream(from.file(file))) {
                m.loadParameters(in);
            } catch (IOException e) {
                throw new Score4jException("checkpoint " + from.dir() + ": cannot load " + file + ": "
                        + e.getMessage(), e);
            }
        }

        /** Runs iterations {@code start + 1 … options.iterations()}. */
        TrainingResult run(int start, double elapsedBefore, TrainingOptions options, Path out, MetricsLog metrics,
                Path lastGood, Consumer<TrainingProgress> listener) {
            int n = options.iterations();
            int b = spec.batchSize();
            Dataset ds = data.instance();
            Sde forward = sde.instance();
            Shape sampleShape = ds.sampleShape();
            long[] rows = new long[sampleShape.dimension() + 1];
            java.util.Arrays.fill(rows, 1);
            rows[0] = b;
            Shape rowShape = new Shape(rows);
            double t0 = forward.t0();
            double tEnd = forward.tEnd();
            BatchSampler sampler = new BatchSampler(ds.size(), Seeds.derive(spec.seed(), Seeds.DATA));
            long noiseSeed = Seeds.derive(spec.seed(), Seeds.NOISE);
            int classes = model.numClasses();
            LabelDropout dropout = new LabelDropout(spec.condDropout(), classes,
                    Seeds.derive(spec.seed(), Seeds.LABELS));
            Engine engine = root.getEngine();
            Ema ema = new Ema(spec.emaDecay());
            long startNanos = System.nanoTime();
            double windowSum = 0;
            int windowCount = 0;
            double lastLoss = Double.NaN;
            double lr = spec.learningRate();
            double gradNorm = Double.NaN;
            Path checkpoint = lastGood;
            // the same array objects all run long: updates are in place, and steps only attach them temporarily
            // (collecting them from the network takes a walk over every block, ~0.2-0.7 ms for the MNIST U-Net)
            List<NDArray> params = arrays(model);
            List<NDArray> avg = arrays(average);
            List<NDArray> moments = adam.arrays();
            for (int k = start + 1; k <= n; k++) {
                lr = spec.warmup() > 0 ? spec.learningRate() * Math.min(1.0, (double) k / spec.warmup())
                        : spec.learningRate();
                double loss;
                try (NDManager step = root.newSubManager()) {
                    params.forEach(a -> a.tempAttach(step));
                    avg.forEach(a -> a.tempAttach(step));
                    moments.forEach(a -> a.tempAttach(step));

                    long first = (long) (k - 1) * b;
                    NoiseSource noise = PerSampleNoise.create(noiseSeed, first, b);
                    double[] u = noise.uniform();
                    int[] indices = sampler.indices(first, b);
                    NDArray x0 = ds.batch(indices, step);
                    if (x0.getDataType() != DataType.FLOAT32) {
                        x0 = x0.toType(DataType.FLOAT32, false);
                    }
                    NDArray z = noise.normal(sampleShape, step);
                    float[] tf = new float[b];
                    float[] mf = new float[b];
                    float[] sf = new float[b];
                    for (int i = 0; i < b; i++) {
                        double t = t0 + (tEnd - t0) * u[i];
                        Marginal mg = forward.marginal(t);
                        tf[i] = (float) t;
                        mf[i] = (float) mg.mean();
                        sf[i] = (float) mg.std();
                    }
                    NDArray tA = step.create(tf);
                    NDArray mA = step.create(mf);
                    NDArray sA = step.create(sf);
                    NDArray sRows = sA.reshape(rowShape);
                    NDArray xt = x0.mul(mA.reshape(rowShape)).addi(z.mul(sRows));
                    NDList inputs = classes == 0 ? new NDList(xt, tA)
                            : new NDList(xt, tA, step.create(dropout.apply(ds.labels(indices), first)));
                    NDArray lossArray;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        lossArray = batchLoss(model, spec.loss(), step, inputs, mA, sA, z, sRows);
                        gc.backward(lossArray);
                    }
                    loss = lossArray.getFloat();
                    List<NDArray> grads = new ArrayList<>(params.size());
                    NDArray total = null;
                    for (NDArray p : params) {
                        NDArray g = p.getGradient();
                        g.attach(step);
                        grads.add(g);
                        NDArray sq = g.square().sum();
                        total = total == null ? sq : total.addi(sq);
                    }
                    gradNorm = Math.sqrt(total.getFloat());
                    if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                        grads.forEach(g -> g.subi(g));
                        throw diverged(k, loss, gradNorm, lr, checkpoint);
                    }
                    if (spec.gradClip() > 0) {
                        double coef = spec.gradClip() / (gradNorm + 1e-6);
                        if (coef < 1) {
                            grads.forEach(g -> g.muli(coef));
                        }
                    }
                    adam.update(params, grads, lr);
                    ema.update(avg, params, k);
                    grads.forEach(g -> g.subi(g));
                } catch (TrainingFailedException e) {
                    throw e;
                } catch (Score4jException e) {
                    throw new TrainingFailedException("training failed at iteration " + k + ": " + e.getMessage()
                            + lastGoodText(checkpoint), k, e);
                } catch (RuntimeException e) {
                    String m = e.getMessage();
                    throw new TrainingFailedException("training failed at iteration " + k + ": "
                            + e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '))
                            + lastGoodText(checkpoint), k, e);
                }
                windowSum += loss;
                windowCount++;
                boolean log = k % options.logEvery() == 0 || k == n;
                boolean save = k % options.checkpointEvery() == 0 || k == n;
                double elapsed = elapsedBefore + (System.nanoTime() - startNanos) / 1e9;
                double rate = (k - start) / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
                if (log) {
                    lastLoss = windowSum / windowCount;
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("iteration", k);
                    line.put("loss", lastLoss);
                    line.put("lr", lr);
                    line.put("grad_norm", gradNorm);
                    line.put("elapsed", round(elapsed));
                    metrics.write(line);
                    windowSum = 0;
                    windowCount = 0;
                    listener.accept(new TrainingProgress(k, n, lastLoss, lr, gradNorm, elapsed, rate, null));
                }
                if (save) {
                    double reported = log ? lastLoss : windowSum / Math.max(1, windowCount);
                    checkpoint = writeCheckpoint(out, k, n, reported, elapsed);
                    Checkpoint.prune(out, options.keep());
                    listener.accept(new TrainingProgress(k, n, reported, lr, gradNorm, elapsed, rate, checkpoint));
                }
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            return new TrainingResult(checkpoint, n, n - start, lastLoss, seconds);
        }

        private TrainingFailedException diverged(int k, double loss, double gradNorm, double lr, Path lastGood) {
            String what = !Double.isFinite(loss) ? "the loss is " + loss : "the gradient norm is " + gradNorm;
            return new TrainingFailedException(String.format(Locale.ROOT,
                    "training diverged at iteration %d: %s (learning rate %.3g); try a smaller --lr%s", k, what, lr,
                    lastGoodText(lastGood)), k, null);
        }

        private String lastGoodText(Path lastGood) {
            return lastGood == null ? "; no checkpoint was written"
                    : "; the last good checkpoint is " + lastGood;
        }

        private Path writeCheckpoint(Path out, int k, int n, double loss, double elapsed) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("iteration", k);
            m.put("iterations", n);
            m.put("seed", spec.seed());
            m.put("created", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            m.put("score4j_version", Versions.score4j());
            m.put("api_version", Versions.api());
            m.put("djl_version", Engine.getDjlVersion());
            m.put("engine", root.getEngine().getEngineName() + " " + root.getEngine().getVersion());
            m.put("model", modelRef.describe());
            m.put("parameterization", model.parameterization().name().toLowerCase(Locale.ROOT));
            m.put("sde", sde.describe());
            Map<String, Object> d = data.describe();
            Dataset ds = data.instance();
            d.put("sample_shape", java.util.Arrays.stream(ds.sampleShape().getShape()).boxed().toList());
            d.put("size", ds.size());
            d.put("scaling", Map.of("scale", ds.scaling().scale(), "offset", ds.scaling().offset()));
            d.put("classes", ds.numClasses());
            m.put("data", d);
            int classes = model.numClasses();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("num_classes", classes);
            c.put("null_label", classes > 0 ? classes : null);
            c.put("cond_dropout", spec.condDropout());
            m.put(CheckpointLayout.CONDITIONING, c);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("loss", spec.loss().word());
            t.put("batch", spec.batchSize());
            t.put("lr", spec.learningRate());
            t.put("ema", spec.emaDecay());
            t.put("grad_clip", spec.gradClip());
            t.put("warmup", spec.warmup());
            t.put("optimizer", "adam");
            t.put("beta1", Adam.BETA1);
            t.put("beta2", Adam.BETA2);
            t.put("eps", Adam.EPS);
            t.put("optimizer_step", adam.step());
            t.put("t_min", sde.instance().t0());
            t.put("t_max", sde.instance().tEnd());
            m.put("training", t);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("loss", Double.isFinite(loss) ? loss : null);
            metrics.put("elapsed_seconds", round(elapsed));
            m.put("metrics", metrics);
            Map<String, IoWriter> files = new LinkedHashMap<>();
            files.put(CheckpointLayout.EMA_WEIGHTS, average::saveParameters);
            files.put(CheckpointLayout.WEIGHTS, model::saveParameters);
            files.put(CheckpointLayout.OPTIMIZER, adam::save);
            return Checkpoint.write(out, k, m, files);
        }

        @Override
        public void close() {
            RuntimeException first = null;
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                }
            }
            owned.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
