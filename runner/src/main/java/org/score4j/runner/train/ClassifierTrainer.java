package org.score4j.runner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.score4j.api.ConfigException;
import org.score4j.api.data.Dataset;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.noise.PerSampleNoise;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;
import org.score4j.model.nn.Classifier;
import org.score4j.model.nn.GraphConstants;

/**
 * Trains a {@link Classifier} by minimizing the cross-entropy of its logits with {@link Adam}:
 * <ul>
 *   <li>{@link #trainClean}: on the data set's examples as they are, for a number of epochs — the classifier
 *       of {@code score4j evaluate};</li>
 *   <li>{@link #trainNoisy}: on examples perturbed by a forward SDE, x_t = m(t)·x₀ + σ(t)·z with t ~ U[ε, T]
 *       (ε = the SDE's {@code t0}) and z ~ N(0, I) drawn per example, the classifier reading t — the noisy
 *       classifier p_t(y | x_t) of classifier guidance (Song et al. 2021, §5 and Appendix I.1; Dhariwal &amp;
 *       Nichol 2021, §4).</li>
 * </ul>
 *
 * <p><b>Determinism.</b> The parameters come from {@link Classifier#initializeParameters(long)} with a seed
 * derived from the run seed, the data order from {@link BatchSampler} (a seeded permutation per epoch), and t
 * and z from {@link PerSampleNoise} streams indexed by the example's position in the run: the same seed gives
 * the same bits (on the same engine and thread count).
 *
 * <p><b>Memory.</b> Each iteration runs in a sub-manager; the parameters and Adam's moments are attached to it
 * temporarily, so everything else it creates is freed when it closes.
 *
 * <p>A non-finite loss stops training with a {@link TrainingFailedException}. The engine's gradient recording
 * is global to the process: train one network at a time. Stateless.
 */
public final class ClassifierTrainer {
    /** Adam's learning rate used by default. */
    public static final double DEFAULT_LR = 1e-3;
    /** Examples per iteration used by default. */
    public static final int DEFAULT_BATCH = 128;

    /**
     * The optimization settings.
     *
     * @param batch examples per iteration (&gt; 0)
     * @param learningRate Adam's learning rate (&gt; 0)
     * @param seed the run seed
     */
    public record Settings(int batch, double learningRate, long seed) {
        public Settings {
            if (batch <= 0) {
                throw new ConfigException("batch size must be a positive integer, got " + batch);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new ConfigException("learning rate must be a positive number, got " + learningRate);
            }
        }
    }

    /**
     * What a run did.
     *
     * @param iterations the iterations run
     * @param loss the mean cross-entropy over the last (up to) 100 iterations, in nats
     * @param accuracy the fraction of training examples classified correctly over the same iterations (of the
     *     perturbed examples, for a noisy classifier)
     * @param seconds the wall time
     */
    public record Result(int iterations, double loss, double accuracy, double seconds) {}

    private ClassifierTrainer() {}

    /** The iterations that {@code epochs} passes over {@code size} examples take in batches of {@code batch}. */
    public static int iterationsFor(int epochs, int size, int batch) {
        return Math.toIntExact(Math.max(1, ((long) epochs * size + batch - 1) / batch));
    }

    /**
     * Trains {@code classifier} on the clean examples of {@code data} for {@code epochs} epochs (rounded up to
     * whole batches; an epoch visits every example once, in its own seeded order).
     *
     * @throws ConfigException when the data set is unlabelled or its shape or classes differ from the
     *     classifier's
     */
    public static Result trainClean(Classifier classifier, Dataset data, int epochs, Settings settings,
            Consumer<TrainingProgress> listener) {
        if (epochs < 1) {
            throw new ConfigException("epochs must be a positive integer, got " + epochs);
        }
        return train(classifier, data, null, iterationsFor(epochs, data.size(), settings.batch()), settings,
                listener);
    }

    /**
     * Trains the time-conditioned {@code classifier} for {@code iterations} iterations on examples of
     * {@code data} perturbed by {@code sde}.
     *
     * @throws ConfigException when the data set is unlabelled or its shape or classes differ from the
     *     classifier's, or the classifier reads no time
     */
    public static Result trainNoisy(Classifier classifier, Dataset data, Sde sde, int iterations, Settings settings,
            Consumer<TrainingProgress> listener) {
        Objects.requireNonNull(sde, "sde");
        if (iterations < 1) {
            throw new ConfigException("iterations must be a positive integer, got " + iterations);
        }
        return train(classifier, data, sde, iterations, settings, listener);
    }

    /**
     * The labels of every example, checked against the classifier's classes.
     *
     * @throws ConfigException naming the first unlabelled or out-of-range example
     */
    static int[] labels(Dataset data, int classes, String what) {
        int n = data.size();
        int[] all = new int[n];
        java.util.Arrays.setAll(all, i -> i);
        int[] labels = data.labels(all);
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new ConfigException(what + ": example " + i + " has " + (labels[i] < 0 ? "no label"
                        : "label " + labels[i] + ", outside [0, " + classes + ")") + "; a classifier needs labels "
                        + "in [0, " + classes + ") for every example");
            }
        }
        return labels;
    }

    /**
     * The mean cross-entropy −(1/b)·Σ_i log softmax(logits_i)[y_i] of a batch, with its one-hot labels as
     * {@code oneHot} (shape {@code [b, K]}); the divisor is in engine-owned memory, since autograd keeps it for
     * the backward pass ({@link GraphConstants}).
     */
    static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        int b = Math.toIntExact(logits.getShape().get(0));
        return GraphConstants.div(logits.logSoftmax(1).mul(oneHot).sum().neg(), b);
    }

    private static Result train(Classifier classifier, Dataset data, Sde sde, int iterations, Settings settings,
            Consumer<TrainingProgress> listener) {
        var arch = classifier.architecture();
        if (!data.sampleShape().equals(arch.sampleShape())) {
            throw new ConfigException("the data set has examples of shape " + data.sampleShape()
                    + ", the classifier reads " + arch.sampleShape());
        }
        if (arch.timeConditioned() != (sde != null)) {
            throw new IllegalArgumentException(sde != null ? "a noisy classifier must read the time"
                    : "a clean classifier reads no time");
        }
        int k = arch.classes();
        int[] labels = labels(data, k, "the data set");
        int b = settings.batch();
        Shape sampleShape = data.sampleShape();
        long[] rows = new long[sampleShape.dimension() + 1];
        java.util.Arrays.fill(rows, 1);
        rows[0] = b;
        Shape rowShape = new Shape(rows);
        classifier.freeze(false);
        classifier.initializeParameters(Seeds.derive(settings.seed(), Seeds.INIT));
        ParameterList params = classifier.network().getParameters();
        List<String> names = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (var p : params) {
            Parameter param = p.getValue();
            if (param.requiresGradient()) {
                names.add(p.getKey());
                arrays.add(param.getArray());
            }
        }
        BatchSampler sampler = new BatchSampler(data.size(), Seeds.derive(settings.seed(), Seeds.DATA));
        long noiseSeed = Seeds.derive(settings.seed(), Seeds.NOISE);
        long start = System.nanoTime();
        int window = 100;
        double[] lossWindow = new double[window];
        double[] accWindow = new double[window];
        double windowLoss = 0;
        double windowAcc = 0;
        int logEvery = Math.max(1, Math.min(50, iterations / 20));
        try (NDManager root = NDManager.newBaseManager()) {
            Engine engine = root.getEngine();
            Adam adam = new Adam(names, arrays, root);
            for (int it = 1; it <= iterations; it++) {
                double loss;
                double acc;
                try (NDManager step = root.newSubManager()) {
                    arrays.forEach(a -> a.tempAttach(step));
                    adam.arrays().forEach(a -> a.tempAttach(step));
                    long first = (long) (it - 1) * b;
                    int[] idx = sampler.indices(first, b);
                    NDArray x = data.batch(idx, step);
                    if (x.getDataType() != DataType.FLOAT32) {
                        x = x.toType(DataType.FLOAT32, false);
                    }
                    NDArray t = null;
                    if (sde != null) {
                        NoiseSource noise = PerSampleNoise.create(noiseSeed, first, b);
                        double[] u = noise.uniform();
                        NDArray z = noise.normal(sampleShape, step);
                        float[] tf = new float[b];
                        float[] mf = new float[b];
                        float[] sf = new float[b];
                        for (int i = 0; i < b; i++) {
                            double ti = sde.t0() + (sde.tEnd() - sde.t0()) * u[i];
                            Marginal mg = sde.marginal(ti);
                            tf[i] = (float) ti;
                            mf[i] = (float) mg.mean();
                            sf[i] = (float) mg.std();
                        }
                        t = step.create(tf);
                        x = x.mul(step.create(mf).reshape(rowShape)).addi(z.mul(step.create(sf).reshape(rowShape)));
                    }
                    float[] oneHot = new float[b * k];
                    int[] y = new int[b];
                    for (int i = 0; i < b; i++) {
                        y[i] = labels[idx[i]];
                        oneHot[i * k + y[i]] = 1;
                    }
                    NDArray mask = step.create(oneHot, new Shape(b, k));
                    NDArray lossArray;
                    NDArray logits;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        logits = classifier.forward(new ParameterStore(step, false), x, t, true).get(0);
                        lossArray = crossEntropy(logits, mask);
                        gc.backward(lossArray);
                    }
                    loss = lossArray.getFloat();
                    if (!Double.isFinite(loss)) {
                        throw new TrainingFailedException(String.format(Locale.ROOT, "classifier training diverged "
                                + "at iteration %d: the loss is %s (learning rate %.3g); try a smaller --lr", it, loss,
                                settings.learningRate()), it, null);
                    }
                    long[] predicted = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                    int correct = 0;
                    for (int i = 0; i < b; i++) {
                        correct += predicted[i] == y[i] ? 1 : 0;
                    }
                    acc = (double) correct / b;
                    List<NDArray> grads = new ArrayList<>(arrays.size());
                    for (NDArray p : arrays) {
                        NDArray g = p.getGradient();
                        g.attach(step);
                        grads.add(g);
                    }
                    adam.update(arrays, grads, settings.learningRate());
                    grads.forEach(g -> g.subi(g));
                }
                int slot = (it - 1) % window;
                windowLoss += loss - lossWindow[slot];
                windowAcc += acc - accWindow[slot];
                lossWindow[slot] = loss;
                accWindow[slot] = acc;
                if (it % logEvery == 0 || it == iterations) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    int count = Math.min(it, window);
                    listener.accept(new TrainingProgress(it, iterations, windowLoss / count, settings.learningRate(),
                            Double.NaN, elapsed, it / Math.max(1e-9, elapsed), null));
                }
            }
        } finally {
            classifier.freeze(true);
        }
        int count = Math.min(iterations, window);
        return new Result(iterations, windowLoss / count, windowAcc / count, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The fraction of the examples of {@code data} that the clean {@code classifier} labels correctly.
     *
     * @throws ConfigException when an example has no label in the classifier's range
     */
    public static double accuracy(Classifier classifier, Dataset data, int batch) {
        int k = classifier.architecture().classes();
        int[] labels = labels(data, k, "the data set");
        int n = data.size();
        int correct = 0;
        try (NDManager root = NDManager.newBaseManager()) {
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                int[] idx = new int[count];
                for (int i = 0; i < count; i++) {
                    idx[i] = from + i;
                }
                try (NDManager step = root.newSubManager()) {
                    NDArray x = data.batch(idx, step);
                    if (x.getDataType() != DataType.FLOAT32) {
                        x = x.toType(DataType.FLOAT32, false);
                    }
                    long[] predicted = classifier.forward(x, null).get(0).argMax(1).toType(DataType.INT64, false)
                            .toLongArray();
                    for (int i = 0; i < count; i++) {
                        correct += predicted[i] == labels[from + i] ? 1 : 0;
                    }
                }
            }
        }
        return (double) correct / n;
    }
}
