package org.score4j.model.nn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.score4j.api.ConfigException;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.Parameterization;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.model.TrainableScoreModel;
import org.score4j.api.sde.Marginal;
import org.score4j.api.sde.Sde;

/**
 * A score model computed by an MLP on vectors of dimension d (see {@link MlpNetwork}): the network maps
 * (x_t, t) to an output that {@link Parameterization} turns into the score (Song et al. 2021, §3.3, with the
 * ε-, σ-scaled-score or x̂₀-parameterization).
 *
 * <p>Its parameters live in a manager of its own, created with the model and closed by {@link #close()}. A new
 * model is initialized from seed 0 and is not {@link #trained()}; {@link #loadParameters} makes it trained.
 * A score evaluation runs in a sub-manager of the input's manager and moves only the score out of it, so it
 * leaves nothing behind but its result.
 *
 * <p><b>Classes.</b> With K = 0 classes the model is unconditional and a {@link Conditioning} naming a class is
 * refused. With K &gt; 0 the network also takes each row's label (the row's class, or the null label K for an
 * unconditional row; {@link Conditioning#labels(int, int)}); a class {@code >= K} is refused, and so is an
 * unconditional row when the null label was never trained ({@link #hasUnconditionalScore()} false, as a
 * checkpoint trained without label dropout records). Not thread-safe.
 */
public final class MlpScoreModel implements TrainableScoreModel {
    /** The standard deviation of the initial class embedding. */
    static final double CLASS_EMBEDDING_STD = 0.02;
    /** The error of an unconditional score asked of a model whose null label was never trained. */
    static final String NO_UNCONDITIONAL = "model mlp has no unconditional score: it was trained without label "
            + "dropout (--cond-dropout 0), so its null label was never trained; name a class (--guidance cfg "
            + "--set guidance.scale=1 --set guidance.class=C), or train with --cond-dropout P > 0";
    private final int dim;
    private final int width;
    private final int depth;
    private final TimeEmbedding.Kind embedding;
    private final int embeddingSize;
    private final double fourierScale;
    private final Parameterization parameterization;
    private final int numClasses;
    private final boolean unconditional;
    private final NDManager manager;
    private final MlpNetwork network;
    private final String description;
    private boolean trained;

    /**
     * A new, untrained model (parameters from seed 0).
     *
     * @param dim the data dimension d
     * @param width units per hidden layer
     * @param depth hidden layers
     * @param embedding the time embedding's kind
     * @param embeddingSize its (even) size
     * @param fourierScale the standard deviation of the Fourier frequencies
     * @param numClasses K, 0 for an unconditional model
     * @param unconditional whether the null label was trained (ignored when K = 0: then it is the only score)
     */
    MlpScoreModel(int dim, int width, int depth, TimeEmbedding.Kind embedding, int embeddingSize,
            double fourierScale, Parameterization parameterization, int numClasses, boolean unconditional) {
        this.dim = dim;
        this.width = width;
        this.depth = depth;
        this.embedding = Objects.requireNonNull(embedding, "embedding");
        this.embeddingSize = embeddingSize;
        this.fourierScale = fourierScale;
        this.parameterization = Objects.requireNonNull(parameterization, "parameterization");
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.unconditional = numClasses == 0 || unconditional;
        this.manager = NDManager.newBaseManager();
        this.network = new MlpNetwork(dim, width, depth, new TimeEmbedding(embedding, embeddingSize), numClasses);
        this.description = "mlp(d=" + dim + ", width=" + width + ", depth=" + depth + ", " + embedding.word()
                + " embedding " + embeddingSize + ", " + parameterization.name().toLowerCase(java.util.Locale.ROOT)
                + (numClasses > 0 ? ", " + numClasses + " classes" + (this.unconditional ? " + null" : "") : "")
                + ")";
        try {
            initializeParameters(0);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public Shape sampleShape() {
        return new Shape(dim);
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public boolean hasUnconditionalScore() {
        return unconditional;
    }

    @Override
    public Block network() {
        return network;
    }

    @Override
    public Parameterization parameterization() {
        return parameterization;
    }

    @Override
    public boolean trained() {
        return trained;
    }

    @Override
    public void initializeParameters(long seed) {
        ai.djl.nn.ParameterList params = network.getParameters();
        Parameter classTable = network.classEmbedding() == null ? null : network.classEmbedding().table();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i).getValue();
            long s = SeededInit.streamSeed(seed, i);
            SeededInit init;
            if (p == classTable) {
                // N(0, 0.02²), as DiT's label embedding (Peebles & Xie 2023): the labels start close together
                // and the time features are not drowned out while the classes are learned
                init = new SeededInit(SeededInit.Kind.GAUSSIAN, s, CLASS_EMBEDDING_STD);
            } else if (p.getType() == Parameter.Type.WEIGHT) {
                init = new SeededInit(SeededInit.Kind.FAN_IN_UNIFORM, s, 1);
            } else if (p.getType() == Parameter.Type.OTHER) {
                init = new SeededInit(SeededInit.Kind.GAUSSIAN, s, fourierScale);
            } else {
                init = new SeededInit(SeededInit.Kind.ZEROS, s, 0);
            }
            p.setInitializer(init);
        }
        if (network.isInitialized()) {
            network.clear();
        }
        if (numClasses > 0) {
            network.initialize(manager, DataType.FLOAT32, new Shape(1, dim), new Shape(1), new Shape(1));
        } else {
            network.initialize(manager, DataType.FLOAT32, new Shape(1, dim), new Shape(1));
        }
        trained = false;
    }

    @Override
    public void saveParameters(OutputStream out) throws IOException {
        DataOutputStream dos = new DataOutputStream(out);
        network.saveParameters(dos);
        dos.flush();
    }

    @Override
    public void loadParameters(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        // validate on a scratch network first, so that a mismatch leaves this model as it was
        ai.djl.nn.ParameterList mine = network.getParameters();
        try (NDManager scratch = manager.newSubManager()) {
            MlpNetwork probe = new MlpNetwork(dim, width, depth, new TimeEmbedding(embedding, embeddingSize),
                    numClasses);
            ByteArrayInputStream stream = new ByteArrayInputStream(bytes);
            probe.loadParameters(scratch, new DataInputStream(stream));
            if (stream.available() > 0) {
                throw new IOException("the parameters are of another network: " + stream.available()
                        + " bytes are left after this network's parameters");
            }
            ai.djl.nn.ParameterList theirs = probe.getParameters();
            if (theirs.size() != mine.size()) {
                throw new IOException("the parameters are of another network: " + theirs.size()
                        + " parameters, this one has " + mine.size());
            }
            for (int i = 0; i < mine.size(); i++) {
                Shape a = mine.get(i).getValue().getArray().getShape();
                Shape b = theirs.get(i).getValue().getArray().getShape();
                if (!mine.get(i).getKey().equals(theirs.get(i).getKey()) || !a.equals(b)) {
                    throw new IOException("the parameters are of another network: " + theirs.get(i).getKey() + " "
                            + b + " where this one has " + mine.get(i).getKey() + " " + a);
                }
            }
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException("not the parameters of this network: " + e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : mine) {
            p.getValue().close();
        }
        try {
            network.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (MalformedModelException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : mine) {
            Parameter param = p.getValue();
            param.getArray().setRequiresGradient(param.requiresGradient());
        }
        trained = true;
    }

    @Override
    public ScoreFunction scoreFunction(Sde sde) {
        return new Score(Objects.requireNonNull(sde, "sde"));
    }

    /** Releases the parameters. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return description + (trained ? "" : ", untrained");
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
            if (shape.dimension() < 1 || shape.size() != shape.get(0) * dim) {
                throw new IllegalArgumentException("mlp model expects samples of shape (" + dim + "), got batch "
                        + shape);
            }
            int n = Math.toIntExact(shape.get(0));
            int[] labels = labels(cond, n);
            NDManager caller = x.getManager();
            try (NDManager sub = caller.newSubManager()) {
                NDArray xin = x.getDataType() == DataType.FLOAT32 ? x.reshape(n, dim)
                        : x.toType(DataType.FLOAT32, true);
                xin.attach(sub);
                if (xin.getShape().dimension() != 2) {
                    xin = xin.reshape(n, dim);
                }
                float[] times = new float[n];
                for (int i = 0; i < n; i++) {
                    times[i] = (float) (ts.length == 1 ? ts[0] : ts[i]);
                }
                NDArray tin = sub.create(times);
                NDList inputs = labels == null ? new NDList(xin, tin) : new NDList(xin, tin, sub.create(labels));
                NDArray out = network.forward(new ParameterStore(sub, false), inputs, false).singletonOrThrow();
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
                    score = parameterization.toScore(out, xin, sub.create(m), sub.create(s));
                }
                NDArray result = score.reshape(shape);
                if (x.getDataType() != DataType.FLOAT32) {
                    result = result.toType(x.getDataType(), false);
                }
                result.attach(caller);
                return result;
            }
        }

        /** The network's labels input for {@code n} rows, or {@code null} for an unconditional network. */
        private int[] labels(Conditioning cond, int n) {
            if (numClasses == 0) {
                if (!cond.isUnconditional()) {
                    throw new ConfigException("model mlp is unconditional (model.num_classes=0); it takes no class "
                            + "label (got " + cond + ")");
                }
                return null;
            }
            if (cond.maxClass() >= numClasses) {
                throw new ConfigException("class " + cond.maxClass() + " is not a class of model mlp; expected a "
                        + "class in [0, " + (numClasses - 1) + "] (model.num_classes=" + numClasses + ")");
            }
            int[] l;
            try {
                l = cond.labels(n, numClasses);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mlp model: " + e.getMessage(), e);
            }
            if (!unconditional) {
                for (int v : l) {
                    if (v == numClasses) {
                        throw new ConfigException(NO_UNCONDITIONAL);
                    }
                }
            }
            return l;
        }

        @Override
        public String toString() {
            return description + " score under " + sde;
        }
    }
}
