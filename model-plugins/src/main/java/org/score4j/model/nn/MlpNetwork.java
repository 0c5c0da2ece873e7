package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A multilayer perceptron on [x, emb(t)]: {@code depth} hidden linear layers of {@code width} units with SiLU
 * activations (x·sigmoid(x); Elfwing et al. 2018, as in score_sde's networks), then a linear layer back to the
 * data dimension d. A class-conditional network (K &gt; 0 classes) adds a learned {@link ClassEmbedding} of
 * the label (K + 1 rows, K the null label) to the time embedding before it is concatenated.
 *
 * <p>Input {@code NDList(x [n, d], t [n])} in float32, with K &gt; 0 {@code NDList(x, t, labels [n] int32)};
 * output {@code NDList([n, d])}. Every operation is called on the inputs or on arrays derived from them, so the
 * whole forward pass lives in the inputs' manager. The class embedding is the last child, so a network with
 * K = 0 has exactly the parameters (and names) it had before class conditioning existed.
 *
 * <p>Initialization ({@link #initializer}): weights uniform ±1/√fan_in (PyTorch's default for linear layers),
 * biases zero, the Fourier frequencies N(0, scale²), the class table N(0, 0.02²) (see {@link ClassEmbedding}).
 */
final class MlpNetwork extends AbstractBlock implements ScoreNetwork {
    private static final byte VERSION = 1;

    private final int dim;
    private final double fourierScale;
    private final TimeEmbedding embedding;
    private final List<Linear> hidden = new ArrayList<>();
    private final Linear output;
    private final ClassEmbedding classes;

    /**
     * @param fourierScale the standard deviation of the initial Fourier frequencies (a Fourier embedding)
     * @param numClasses K; 0 for an unconditional network (no labels input)
     */
    MlpNetwork(int dim, int width, int depth, TimeEmbedding embedding, double fourierScale, int numClasses) {
        super(VERSION);
        this.dim = dim;
        this.fourierScale = fourierScale;
        this.embedding = addChildBlock("embedding", embedding);
        for (int i = 0; i < depth; i++) {
            hidden.add(addChildBlock("hidden" + i, Linear.builder().setUnits(width).build()));
        }
        this.output = addChildBlock("output", Linear.builder().setUnits(dim).build());
        this.classes = numClasses > 0
                ? addChildBlock("class_embedding", new ClassEmbedding(numClasses, embedding.size()))
                : null;
    }

    /** The class embedding, or {@code null} for an unconditional network. */
    ClassEmbedding classEmbedding() {
        return classes;
    }

    @Override
    public Initializer initializer(Parameter p, long seed) {
        if (classes != null && p == classes.table()) {
            return ClassEmbedding.initializer(seed);
        }
        switch (p.getType()) {
            case WEIGHT:
                return new SeededInit(SeededInit.Kind.FAN_IN_UNIFORM, seed, 1);
            case OTHER:
                return new SeededInit(SeededInit.Kind.GAUSSIAN, seed, fourierScale);
            default:
                return new SeededInit(SeededInit.Kind.ZEROS, seed, 0);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray t = inputs.get(1);
        NDArray e = embedding.forward(ps, new NDList(t), training, params).singletonOrThrow();
        if (classes != null) {
            if (inputs.size() != 3) {
                throw new IllegalArgumentException("a class-conditional network takes NDList(x, t, labels), got "
                        + inputs.size() + " inputs");
            }
            e = e.add(classes.forward(ps, new NDList(inputs.get(2)), training, params).singletonOrThrow());
        }
        NDArray h = x.concat(e, 1);
        for (Linear layer : hidden) {
            NDArray a = layer.forward(ps, new NDList(h), training, params).singletonOrThrow();
            h = a.mul(Activation.sigmoid(a));
        }
        return output.forward(ps, new NDList(h), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        embedding.initialize(manager, dataType, inputShapes[1]);
        Shape in = new Shape(n, dim + embedding.size());
        for (Linear layer : hidden) {
            layer.initialize(manager, dataType, in);
            in = layer.getOutputShapes(new Shape[] {in})[0];
        }
        output.initialize(manager, dataType, in);
        if (classes != null) {
            classes.initialize(manager, dataType, inputShapes[2]);
        }
    }
}
