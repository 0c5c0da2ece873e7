package org.score4j.runner.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.score4j.api.ConfigException;
import org.score4j.api.Score4jException;
import org.score4j.api.UnknownPluginException;
import org.score4j.api.data.Dataset;
import org.score4j.api.model.ScoreModel;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.pipeline.PluginRef;
import org.score4j.api.plugin.PluginConfig;
import org.score4j.api.plugin.PluginFactory;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.runner.engine.Registries;
import org.score4j.runner.train.BatchSampler;
import org.score4j.runner.train.Seeds;
import org.score4j.runner.train.TrainingSpec;

/**
 * The baseline of {@code score4j bench-unet}: denoising score-matching training written out as a plain DJL
 * loop, to measure the {@link org.score4j.runner.train.Trainer}'s overhead against.
 *
 * <p>It does the trainer's work per iteration with the same arithmetic in the same order — the same examples
 * ({@link BatchSampler} on the run's data seed), the same times and noise ({@link PerSampleNoise} streams of the
 * run's noise seed, indexed by position), the same parameter initialization, the network's forward pass and the
 * spec's loss under a {@link GradientCollector}, the global gradient norm and clipping, Adam (β₁ = 0.9,
 * β₂ = 0.999, ε = 1e-8, PyTorch's formulation), the learning-rate warm-up and the weights' moving average with
 * score_sde's decay min(d, (1 + k)/(10 + k)) — so its losses and weights are bit-identical to the trainer's, and
 * the same memory discipline (one sub-manager per iteration, the parameters, averages and moments attached to it
 * temporarily). What it leaves out is the trainer's machinery: its session objects and configuration checks,
 * the parameter lists it builds each iteration, the finiteness checks, the metrics file, progress reports and
 * checkpoints.
 *
 * <p>Unconditional models only. Not thread-safe; the engine's gradient recording is global to the process, so
 * run nothing else that records gradients meanwhile.
 */
public final class BareTraining {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private BareTraining() {}

    /**
     * A point of the run, taken after every {@code logEvery}-th iteration and after the last (where the trainer
     * writes a metrics line).
     *
     * @param iteration the iterations done
     * @param nanos {@link System#nanoTime()} at that point
     * @param cpuNanos CPU time of the process (all threads) at that point
     * @param loss the mean loss of the iterations since the previous point, as the trainer reports it
     */
    public record Mark(int iteration, long nanos, long cpuNanos, double loss) {}

    /**
     * A finished bare run.
     *
     * @param marks the points of the run, in order
     * @param averageSha256 the SHA-256 (hex) of the averaged weights at the end, in the encoding of
     *     {@link TrainableScoreModel#saveParameters} (the trainer's {@code ema_weights} file)
     */
    public record Result(List<Mark> marks, String averageSha256) {
        public Result {
            marks = List.copyOf(marks);
        }
    }

    /**
     * Runs iterations 1 … {@code iterations} of {@code spec} from a fresh start.
     *
     * @throws ConfigException when a plugin is unknown or the model is not an unconditional trainable network
     */
    public static Result run(Registries registries, TrainingSpec spec, int iterations, int logEvery) {
        if (iterations < 1 || logEvery < 1) {
            throw new ConfigException("iterations and log interval must be positive, got " + iterations + " and "
                    + logEvery);
        }
        if (spec.condDropout() > 0) {
            throw new ConfigException("the bare training loop covers unconditional models only (cond dropout "
                    + spec.condDropout() + ")");
        }
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            NDManager root = NDManager.newBaseManager();
            owned.add(root);
            Sde sde = create("sde", registries.sdes(), spec.sde());
            Dataset data = create("data", registries.datasets(), spec.data());
            owned.add(data);
            TrainableScoreModel model = trainable(create("model", registries.models(), spec.model()), owned);
            TrainableScoreModel average = trainable(create("model", registries.models(), spec.model()), owned);
            if (model.numClasses() > 0) {
                throw new ConfigException("the bare training loop covers unconditional models only (model."
                        + TrainableScoreModel.NUM_CLASSES_KEY + "=" + model.numClasses() + ")");
            }
            if (!data.sampleShape().equals(model.sampleShape())) {
                throw new ConfigException("data of shape " + data.sampleShape() + " for a model of shape "
                        + model.sampleShape());
            }
            long init = Seeds.derive(spec.seed(), Seeds.INIT);
            model.initializeParameters(init);
            average.initializeParameters(init);
            average.network().freezeParameters(true);
            List<Integer> trainable = new ArrayList<>();
            ParameterList all = model.network().getParameters();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).getValue().requiresGradient()) {
                    trainable.add(i);
                }
            }
            List<NDArray> params = arrays(model, trainable);
            List<NDArray> avg = arrays(average, trainable);
            List<NDArray> m = new ArrayList<>();
            List<NDArray> v = new ArrayList<>();
            for (NDArray p : params) {
                m.add(root.zeros(p.getShape(), p.getDataType()));
                v.add(root.zeros(p.getShape(), p.getDataType()));
            }
            List<Mark> marks = loop(spec, iterations, logEvery, root, sde, data, model, params, avg, m, v);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            average.saveParameters(bytes);
            return new Result(marks, sha256(bytes.toByteArray()));
        } catch (IOException e) {
            throw new Score4jException("cannot encode the averaged weights: " + e.getMessage(), e);
        } finally {
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception e) {
                    // closing frees native memory; nothing to report beyond the result
                }
            }
        }
    }

    private static List<Mark> loop(TrainingSpec spec, int iterations, int logEvery, NDManager root, Sde sde,
            Dataset data, TrainableScoreModel model, List<NDArray> params, List<NDArray> avg, List<NDArray> m,
            List<NDArray> v) {
        int b = spec.batchSize();
        Shape sampleShape = data.sampleShape();
        long[] rows = new long[sampleShape.dimension() + 1];
        java.util.Arrays.fill(rows, 1);
        rows[0] = b;
        Shape rowShape = new Shape(rows);
        double t0 = sde.t0();
        double tEnd = sde.tEnd();
        BatchSampler sampler = new BatchSampler(data.size(), Seeds.derive(spec.seed(), Seeds.DATA));
        long noiseSeed = Seeds.derive(spec.seed(), Seeds.NOISE);
        Engine engine = root.getEngine();
        List<Mark> marks = new ArrayList<>();
        double windowSum = 0;
        int windowCount = 0;
        for (int k = 1; k <= iterations; k++) {
            double lr = spec.warmup() > 0 ? spec.learningRate() * Math.min(1.0, (double) k / spec.warmup())
                    : spec.learningRate();
            double loss;
            try (NDManager step = root.newSubManager()) {
                params.forEach(a -> a.tempAttach(step));
                avg.forEach(a -> a.tempAttach(step));
                m.forEach(a -> a.tempAttach(step));
                v.forEach(a -> a.tempAttach(step));

                long first = (long) (k - 1) * b;
                NoiseSource noise = PerSampleNoise.create(noiseSeed, first, b);
                double[] u = noise.uniform();
                NDArray x0 = data.batch(sampler.indices(first, b), step);
                if (x0.getDataType() != DataType.FLOAT32) {
                    x0 = x0.toType(DataType.FLOAT32, false);
                }
                NDArray z = noise.normal(sampleShape, step);
                float[] tf = new float[b];
                float[] mf = new float[b];
                float[] sf = new float[b];
                for (int i = 0; i < b; i++) {
                    double t = t0 + (tEnd - t0) * u[i];
                    Marginal mg = sde.marginal(t);
                    tf[i] = (float) t;
                    mf[i] = (float) mg.mean();
                    sf[i] = (float) mg.std();
                }
                NDArray tA = step.create(tf);
                NDArray mA = step.create(mf);
                NDArray sA = step.create(sf);
                NDArray sRows = sA.reshape(rowShape);
                NDArray xt = x0.mul(mA.reshape(rowShape)).addi(z.mul(sRows));
                NDArray lossArray;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray output = model.network().forward(new ParameterStore(step, false), new NDList(xt, tA),
                            true).singletonOrThrow();
                    NDArray score = model.parameterization().toScore(output, xt, mA, sA);
                    lossArray = spec.loss().compute(score, z, sRows);
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
                double norm = Math.sqrt(total.getFloat());
                if (spec.gradClip() > 0) {
                    double coef = spec.gradClip() / (norm + 1e-6);
                    if (coef < 1) {
                        grads.forEach(g -> g.muli(coef));
                    }
                }
                // Adam, step k
                double bc1 = 1 - Math.pow(BETA1, k);
                double bc2 = Math.sqrt(1 - Math.pow(BETA2, k));
                for (int i = 0; i < params.size(); i++) {
                    NDArray g = grads.get(i);
                    NDArray mi = m.get(i);
                    NDArray vi = v.get(i);
                    mi.muli(BETA1).addi(g.mul(1 - BETA1));
                    vi.muli(BETA2).addi(g.square().muli(1 - BETA2));
                    NDArray denom = vi.sqrt().divi(bc2).addi(EPS);
                    NDArray delta = mi.div(denom).muli(lr / bc1);
                    params.get(i).stopGradient().subi(delta);
                }
                // moving average of the weights
                double d = Math.min(spec.emaDecay(), (1.0 + k) / (10.0 + k));
                for (int i = 0; i < avg.size(); i++) {
                    avg.get(i).muli(d).addi(params.get(i).mul(1 - d));
                }
                grads.forEach(g -> g.subi(g));
            }
            windowSum += loss;
            windowCount++;
            if (k % logEvery == 0 || k == iterations) {
                marks.add(new Mark(k, System.nanoTime(), Machine.processCpuNanos(), windowSum / windowCount));
                windowSum = 0;
                windowCount = 0;
            }
        }
        return marks;
    }

    private static List<NDArray> arrays(TrainableScoreModel model, List<Integer> trainable) {
        ParameterList all = model.network().getParameters();
        List<NDArray> out = new ArrayList<>(trainable.size());
        for (int i : trainable) {
            out.add(all.get(i).getValue().getArray());
        }
        return out;
    }

    private static TrainableScoreModel trainable(ScoreModel m, List<AutoCloseable> owned) {
        owned.add(m);
        if (!(m instanceof TrainableScoreModel t)) {
            throw new ConfigException("the bare training loop needs a trainable model, got " + m);
        }
        return t;
    }

    private static <T, F extends PluginFactory<T>> T create(String kind, Map<String, F> factories, PluginRef ref) {
        F f = factories.get(ref.name());
        if (f == null) {
            throw new UnknownPluginException(kind, ref.name(), factories.keySet());
        }
        return f.create(PluginConfig.of(kind, f, ref.config()));
    }

    /** The SHA-256 of {@code bytes}, lower-case hex. */
    static String sha256(byte[] bytes) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder s = new StringBuilder();
            for (byte x : h) {
                s.append(String.format("%02x", x));
            }
            return s.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
