package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.score4j.api.Score4jException;

/**
 * A small DJL image (or vector) classifier, optionally reading a time t: the network of
 * {@link ClassifierArchitecture} with its parameters. It serves two purposes:
 * <ul>
 *   <li>a clean classifier p(y | x) whose penultimate features and class probabilities measure generated
 *       images ({@code score4j evaluate}: Fréchet distance, confidence, class histogram);</li>
 *   <li>a noisy, time-conditioned classifier p_t(y | x_t) trained on data perturbed by a forward SDE, whose
 *       gradient ∇ₓ log p_t(y | x) guides sampling (Song et al. 2021, §5 and eq. 14; Dhariwal &amp; Nichol 2021,
 *       §4): {@link #gradLogProbability}.</li>
 * </ul>
 *
 * <p>The parameters live in a manager of their own, released by {@link #close()}. A new classifier is
 * initialized from seed 0; {@link #initializeParameters(long)} draws weights from streams seeded with its
 * argument only (uniform ±1/√fan_in as PyTorch's linear and convolution layers, zero biases), so the same seed
 * gives the same bits. Inputs are in model space (the data set's {@link org.score4j.api.data.DataScaling}
 * applied). Not thread-safe for training; inference and {@link #gradLogProbability} may be called from several
 * threads (gradient recording is serialized, see there).
 */
public final class Classifier implements AutoCloseable {
    private final ClassifierArchitecture arch;
    private final NDManager manager;
    private final ClassifierNetwork network;

    /** A new classifier, parameters from seed 0. */
    public Classifier(ClassifierArchitecture arch) {
        this.arch = Objects.requireNonNull(arch, "arch");
        this.manager = NDManager.newBaseManager();
        this.network = new ClassifierNetwork(arch);
        try {
            initializeParameters(0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The architecture. */
    public ClassifierArchitecture architecture() {
        return arch;
    }

    /** The DJL block; its parameters are the classifier's. */
    public Block network() {
        return network;
    }

    /** The number of parameters (values). */
    public long parameterCount() {
        return NetworkParameters.count(network);
    }

    /** Replaces every parameter with fresh values from streams seeded with {@code seed} and its position. */
    public void initializeParameters(long seed) {
        ParameterList params = network.getParameters();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i).getValue();
            long s = SeededInit.streamSeed(seed, i);
            p.setInitializer(p.getType() == Parameter.Type.WEIGHT
                    ? new SeededInit(SeededInit.Kind.FAN_IN_UNIFORM, s, 1)
                    : new SeededInit(SeededInit.Kind.ZEROS, s, 0));
        }
        if (network.isInitialized()) {
            network.clear();
        }
        Shape x = new Shape(1).addAll(arch.sampleShape());
        if (arch.timeConditioned()) {
            network.initialize(manager, DataType.FLOAT32, x, new Shape(1));
        } else {
            network.initialize(manager, DataType.FLOAT32, x);
        }
    }

    /** Stops (or resumes) gradients of the parameters: frozen for inference and guidance. */
    public void freeze(boolean frozen) {
        network.freezeParameters(frozen);
    }

    /**
     * The logits {@code [n, K]} and penultimate features {@code [n, hidden]} of a batch, in the manager of
     * {@code x}.
     *
     * @param x float32, shape {@code [n, ...sampleShape]}, in model space
     * @param t float32 times of shape {@code [n]} for a time-conditioned classifier, else {@code null}
     * @param ps the parameter store (use {@code new ParameterStore(manager, false)})
     * @param training whether gradients of the parameters are being recorded (no layer behaves differently)
     */
    public NDList forward(ParameterStore ps, NDArray x, NDArray t, boolean training) {
        checkInput(x);
        if (arch.timeConditioned() != (t != null)) {
            throw new IllegalArgumentException(arch.timeConditioned() ? "this classifier needs times t"
                    : "this classifier reads no time");
        }
        return network.forward(ps, t == null ? new NDList(x) : new NDList(x, t), training);
    }

    /** Inference: {@link #forward} with a parameter store of {@code x}'s manager. */
    public NDList forward(NDArray x, NDArray t) {
        return forward(new ParameterStore(x.getManager(), false), x, t, false);
    }

    private void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != arch.sampleShape().dimension() + 1
                || !s.slice(1).equals(arch.sampleShape())) {
            throw new IllegalArgumentException("classifier expects a batch of shape [n, " + arch.sampleShape()
                    + "], got " + s);
        }
    }

    /**
     * ∇ₓ log p_t(y = label | x) for every row, by reverse-mode autograd through the network (the gradient of
     * Σ_rows log softmax(logits)[label]; rows are independent, so row i of the result is row i's gradient).
     *
     * <p>The result has the shape and data type of {@code x} and belongs to its manager; everything else is
     * freed. The engine records gradients for one collector at a time per process: calls are serialized, and
     * a call made while another collector is recording (for example while a likelihood differentiates the
     * guided score) fails with a {@link Score4jException} — the gradient cannot be nested in another
     * (see {@link Autograd}).
     *
     * @param x the batch, shape {@code [n, ...sampleShape]}, any floating type
     * @param times one time per row (length n), or a single time shared by all rows
     * @param label the class, in [0, K)
     */
    public NDArray gradLogProbability(NDArray x, double[] times, int label) {
        if (label < 0 || label >= arch.classes()) {
            throw new IllegalArgumentException("class " + label + " is not in [0, " + arch.classes() + ")");
        }
        Shape shape = x.getShape();
        if (shape.dimension() < 1) {
            throw new IllegalArgumentException("expected a batch, got a scalar");
        }
        int n = Math.toIntExact(shape.get(0));
        if (times.length != 1 && times.length != n) {
            throw new IllegalArgumentException(times.length + " times for " + n + " rows");
        }
        NDManager caller = x.getManager();
        try (NDManager sub = caller.newSubManager()) {
            NDArray xin = x.toType(DataType.FLOAT32, true);
            xin.attach(sub);
            Shape batch = new Shape(n).addAll(arch.sampleShape());
            if (!xin.getShape().equals(batch)) {
                if (xin.getShape().size() != batch.size()) {
                    throw new IllegalArgumentException("classifier expects a batch of shape " + batch + ", got "
                            + shape);
                }
                xin = xin.reshape(batch);
            }
            NDArray tin;
            if (arch.timeConditioned()) {
                float[] tf = new float[n];
                for (int i = 0; i < n; i++) {
                    tf[i] = (float) (times.length == 1 ? times[0] : times[i]);
                }
                tin = sub.create(tf);
            } else {
                tin = null;
            }
            float[] oneHot = new float[n * arch.classes()];
            for (int i = 0; i < n; i++) {
                oneHot[i * arch.classes() + label] = 1;
            }
            NDArray mask = sub.create(oneHot, new Shape(n, arch.classes()));
            NDArray grad = Autograd.gradient(xin,
                    v -> forward(new ParameterStore(sub, false), v, tin, false).get(0).logSoftmax(1).mul(mask).sum(),
                    "a trained classifier's gradient cannot be taken while another gradient is being recorded (e.g. "
                            + "a likelihood differentiating the guided score); use classifier guidance with a trained "
                            + "classifier for sampling only",
                    "differentiating the classifier failed: ");
            NDArray out = grad.reshape(shape);
            out = x.getDataType() == DataType.FLOAT32 ? out.duplicate() : out.toType(x.getDataType(), true);
            out.attach(caller);
            return out;
        }
    }

    /** Writes the parameters in DJL's parameter format; does not close {@code out}. */
    public void saveParameters(OutputStream out) throws IOException {
        NetworkParameters.save(network, out);
    }

    /**
     * Replaces the parameters with those {@code in} holds (as written by {@link #saveParameters}).
     *
     * @throws IOException when the stream cannot be read or holds parameters of another network; the
     *     parameters are then left as they were
     */
    public void loadParameters(InputStream in) throws IOException {
        NetworkParameters.load(network, manager, () -> new ClassifierNetwork(arch), in, "classifier");
    }

    /** Releases the parameters. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "classifier " + arch.describe();
    }
}
