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
import java.util.function.Supplier;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/**
 * What the trainable network score models share: a {@link ScoreNetwork} mapping (x_t, t[, labels]) to an
 * output that {@link Parameterization} turns into the score (Song et al. 2021, §3.3, with the ε-, σ-scaled-score
 * or x̂₀-parameterization), its parameters, their seeded initialization, saving and loading, and the score
 * function.
 *
 * <p>The parameters live in a manager of the model's own, created with the model and closed by
 * {@link #close()}. A new model is initialized from seed 0 and is not {@link #trained()};
 * {@link #loadParameters} makes it trained, after checking the parameters on a scratch network of the same
 * architecture, so that parameters of another network leave the model as it was. A score evaluation runs in a
 * sub-manager of the input's manager and moves only the score out of it, so it leaves nothing behind but its
 * result.
 *
 * <p>Classes: a model with {@link #numClasses()} K &gt; 0 feeds its network {@code NDList(x, t, labels)}, int32
 * labels in 0..K where K stands for "no class" (an unconditional row of a {@link Conditioning};
 * {@link Conditioning#labels(int, int)}), and refuses a class {@code >= K}; a model with K = 0 feeds
 * {@code NDList(x, t)} and refuses a conditioning that names a class. A class-conditional model whose null label
 * was never trained (a checkpoint trained without label dropout) has no unconditional score
 * ({@link #hasUnconditionalScore()} false) and refuses unconditional rows with an error naming
 * {@code --cond-dropout}. Not thread-safe.
 */
abstract class NetworkScoreModel implements TrainableScoreModel {
    private final String name;
    private final Shape sampleShape;
    private final int numClasses;
    private final boolean unconditional;
    private final Parameterization parameterization;
    private final Supplier<? extends ScoreNetwork> architecture;
    private final NDManager manager;
    private final ScoreNetwork network;
    private final String description;
    private boolean trained;

    /**
     * A new, untrained model (parameters from seed 0).
     *
     * @param name the plugin's name, for messages
     * @param sampleShape one sample's shape
     * @param numClasses K, or 0 for an unconditional network
     * @param nullLabelTrained whether the null label K was trained (a checkpoint trained with label dropout, or
     *     a model still to be trained); ignored when K = 0, whose only score is the unconditional one
     * @param architecture builds a fresh, uninitialized network of this model's architecture
     * @param description a short description (architecture and settings), without "untrained"
     */
    NetworkScoreModel(String name, Shape sampleShape, int numClasses, boolean nullLabelTrained,
            Parameterization parameterization, Supplier<? extends ScoreNetwork> architecture, String description) {
        this.name = Objects.requireNonNull(name, "name");
        this.sampleShape = Objects.requireNonNull(sampleShape, "sampleShape");
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.unconditional = numClasses == 0 || nullLabelTrained;
        this.parameterization = Objects.requireNonNull(parameterization, "parameterization");
        this.architecture = Objects.requireNonNull(architecture, "architecture");
        this.description = Objects.requireNonNull(description, "description");
        this.manager = NDManager.newBaseManager();
        try {
            this.network = architecture.get();
            initializeParameters(0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public final Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    @Override
    public final boolean hasUnconditionalScore() {
        return unconditional;
    }

    @Override
    public final Block network() {
        return network;
    }

    @Override
    public final Parameterization parameterization() {
        return parameterization;
    }

    @Override
    public final boolean trained() {
        return trained;
    }

    /** The shapes the network is initialized with: a batch of one. */
    private Shape[] inputShapes() {
        Shape x = new Shape(1).addAll(sampleShape);
        return numClasses > 0 ? new Shape[] {x, new Shape(1), new Shape(1)} : new Shape[] {x, new Shape(1)};
    }

    @Override
    public final void initializeParameters(long seed) {
        ParameterList params = network.getParameters();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i).getValue();
            p.setInitializer(network.initializer(p, SeededInit.streamSeed(seed, i)));
        }
        if (network.isInitialized()) {
            network.clear();
        }
        network.initialize(manager, DataType.FLOAT32, inputShapes());
        trained = false;
    }

    /** The number of parameters (values). */
    public final long parameterCount() {
        return NetworkParameters.count(network);
    }

    @Override
    public final void saveParameters(OutputStream out) throws IOException {
        NetworkParameters.save(network, out);
    }

    @Override
    public final void loadParameters(InputStream in) throws IOException {
        NetworkParameters.load(network, manager, architecture, in, "network");
        trained = true;
    }

    @Override
    public final ScoreFunction scoreFunction(Sde sde) {
        return new Score(Objects.requireNonNull(sde, "sde"));
    }

    /** Releases the parameters. */
    @Override
    public final void close() {
        manager.close();
    }

    @Override
    public final String toString() {
        return description + (trained ? "" : ", untrained");
    }

    /** The error of an unconditional score asked of a model whose null label was never trained. */
    private static String noUnconditionalScore(String name) {
        return "model " + name + " has no unconditional score: it was trained without label dropout (--cond-dropout "
                + "0), so its null label was never trained; name a class (--guidance cfg --set guidance.scale=1 "
                + "--set guidance.class=C), or train with --cond-dropout P > 0";
    }

    /**
     * The network's labels for {@code n} rows conditioned on {@code cond}: the class, or K for an
     * unconditional row; {@code null} for an unconditional model.
     */
    private int[] labels(Conditioning cond, int n) {
        if (numClasses == 0) {
            if (!cond.isUnconditional()) {
                throw new ConfigException("model " + name + " is unconditional (model.num_classes=0); it takes no "
                        + "class label (got " + cond + ")");
            }
            return null;
        }
        if (cond.maxClass() >= numClasses) {
            throw new ConfigException("class " + cond.maxClass() + " is not a class of model " + name + "; expected a "
                    + "class in [0, " + (numClasses - 1) + "] (model.num_classes=" + numClasses + ")");
        }
        int[] labels;
        try {
            labels = cond.labels(n, numClasses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " model: " + e.getMessage(), e);
        }
        if (!unconditional) {
            for (int label : labels) {
                if (label == numClasses) {
                    throw new ConfigException(noUnconditionalScore(name));
                }
            }
        }
        return labels;
    }

    /** The score of this network under one SDE. */
    private final class Score implements ScoreFunction {
        private final Sde sde;

        Score(Sde sde) {
            this.sde = sde;
        }

        @Override
        public NDArray score(NDArray x, NDArray t, Conditioning cond) {
            long n = x.getShape().dimension() == 0 ? 0 : x.getShape().get(0);
            if (t.getShape().dimension() != 1 || t.getShape().get(0) != n) {
                throw new IllegalArgumentException("times must have shape (" + n + "), got " + t.getShape());
            }
            double[] ts;
            NDArray t64 = t.toType(DataType.FLOAT64, false);
            try {
                ts = t64.toDoubleArray();
            } finally {
                if (t64 != t) {
                    t64.close();
                }
            }
            return compute(x, ts, cond);
        }

        @Override
        public NDArray score(NDArray x, double t, Conditioning cond) {
            return compute(x, new double[] {t}, cond);
        }

        /** The network computes in float32: a float64 input is cast, which autograd does not follow. */
        @Override
        public DataType gradientType() {
            return DataType.FLOAT32;
        }

        /** {@code ts} holds one time per row, or a single time shared by all rows. */
        private NDArray compute(NDArray x, double[] ts, Conditioning cond) {
            Shape shape = x.getShape();
            if (shape.dimension() < 1 || shape.size() != shape.get(0) * sampleShape.size()) {
                throw new IllegalArgumentException(name + " model expects samples of shape " + sampleShape
                        + ", got batch " + shape);
            }
            int n = Math.toIntExact(shape.get(0));
            int[] labels = labels(cond, n);
            Shape batch = new Shape(n).addAll(sampleShape);
            NDManager caller = x.getManager();
            try (NDManager sub = caller.newSubManager()) {
                NDArray xin = x.getDataType() == DataType.FLOAT32 ? x.reshape(batch) : x.toType(DataType.FLOAT32, true);
                xin.attach(sub);
                if (!xin.getShape().equals(batch)) {
                    xin = xin.reshape(batch);
                }
                float[] times = new float[n];
                for (int i = 0; i < n; i++) {
                    times[i] = (float) (ts.length == 1 ? ts[0] : ts[i]);
                }
                // engine-owned copies: a gradient through the score is taken after this sub-manager has closed
                // (GraphConstants)
                Shape rows = new Shape(n);
                NDArray tin = GraphConstants.create(sub, times, rows);
                NDList in = labels == null ? new NDList(xin, tin)
                        : new NDList(xin, tin, GraphConstants.create(sub, labels, rows));
                NDArray out = network.forward(new ParameterStore(sub, false), in, false).singletonOrThrow();
                NDArray score;
                if (ts.length == 1) {
                    score = parameterization.toScore(out, xin, sde.marginal(ts[0]));
                } else {
                    float[] m = new float[n];
                    float[] s = new float[n];
                    for (int i = 0; i < n; i++) {
                        Marginal mg = sde.marginal(ts[i]);
                        m[i] = (float) mg.mean();
                        s[i] = (float) mg.std();
                    }
                    score = parameterization.toScore(out, xin, GraphConstants.create(sub, m, rows),
                            GraphConstants.create(sub, s, rows));
                }
                NDArray result = score.reshape(shape);
                if (x.getDataType() != DataType.FLOAT32) {
                    result = result.toType(x.getDataType(), false);
                }
                result.attach(caller);
                return result;
            }
        }

        @Override
        public String toString() {
            return NetworkScoreModel.this.description + " score under " + sde;
        }
    }
}
