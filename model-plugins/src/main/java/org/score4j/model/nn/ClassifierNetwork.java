package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The network of a {@link Classifier} (see {@link ClassifierArchitecture} for the layers).
 *
 * <p>Input {@code NDList(x)} or, for a time-conditioned classifier, {@code NDList(x, t)}: x of shape
 * {@code [n, ...sampleShape]} and t of shape {@code [n]}, float32. Output {@code NDList(logits [n, K],
 * features [n, hidden])}, the features being the penultimate layer's activations. Every operation is called on
 * the inputs or on arrays derived from them, so a forward pass lives in the inputs' manager. Rows are
 * independent (no batch statistics).
 */
final class ClassifierNetwork extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final Shape POOL = new Shape(2, 2);
    private static final Shape NO_PAD = new Shape(0, 0);

    private final ClassifierArchitecture arch;
    private final TimeEmbedding embedding;
    private final Linear timeProjection;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear input;
    private final Linear hidden;
    private final Linear output;

    ClassifierNetwork(ClassifierArchitecture arch) {
        super(VERSION);
        this.arch = arch;
        int first = arch.isImage() ? arch.conv1() : arch.hidden();
        if (arch.isImage()) {
            conv1 = addChildBlock("conv1", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .setFilters(arch.conv1()).build());
            conv2 = addChildBlock("conv2", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                    .setFilters(arch.conv2()).build());
            input = null;
        } else {
            conv1 = null;
            conv2 = null;
            input = addChildBlock("input", Linear.builder().setUnits(arch.hidden()).build());
        }
        if (arch.timeConditioned()) {
            embedding = addChildBlock("embedding", new TimeEmbedding(TimeEmbedding.Kind.SINUSOIDAL,
                    arch.embeddingDim()));
            timeProjection = addChildBlock("time", Linear.builder().setUnits(first).build());
        } else {
            embedding = null;
            timeProjection = null;
        }
        hidden = addChildBlock("hidden", Linear.builder().setUnits(arch.hidden()).build());
        output = addChildBlock("output", Linear.builder().setUnits(arch.classes()).build());
    }

    private static NDArray silu(NDArray a) {
        return a.mul(Activation.sigmoid(a));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        long n = x.getShape().get(0);
        NDArray h = arch.isImage() ? conv1.forward(ps, new NDList(x), training, params).singletonOrThrow()
                : input.forward(ps, new NDList(x), training, params).singletonOrThrow();
        if (arch.timeConditioned()) {
            if (inputs.size() < 2) {
                throw new IllegalArgumentException("this classifier is time-conditioned: give NDList(x, t)");
            }
            NDArray e = embedding.forward(ps, new NDList(inputs.get(1)), training, params).singletonOrThrow();
            NDArray p = timeProjection.forward(ps, new NDList(e), training, params).singletonOrThrow();
            h = h.add(arch.isImage() ? p.reshape(n, arch.conv1(), 1, 1) : p);
        }
        h = silu(h);
        if (arch.isImage()) {
            h = Pool.maxPool2d(h, POOL, POOL, NO_PAD, false);
            h = silu(conv2.forward(ps, new NDList(h), training, params).singletonOrThrow());
            h = Pool.maxPool2d(h, POOL, POOL, NO_PAD, false);
            h = h.reshape(n, -1);
        }
        NDArray features = silu(hidden.forward(ps, new NDList(h), training, params).singletonOrThrow());
        NDArray logits = output.forward(ps, new NDList(features), training, params).singletonOrThrow();
        return new NDList(logits, features);
    }

    /** The flattened size after the convolutional body ({@code cnn}). */
    private long flatSize() {
        long h = arch.sampleShape().get(1) / 4;
        long w = arch.sampleShape().get(2) / 4;
        return arch.conv2() * h * w;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, arch.classes()), new Shape(n, arch.hidden())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        if (arch.isImage()) {
            Shape s = arch.sampleShape();
            conv1.initialize(manager, dataType, inputShapes[0]);
            conv2.initialize(manager, dataType, new Shape(n, arch.conv1(), s.get(1) / 2, s.get(2) / 2));
            hidden.initialize(manager, dataType, new Shape(n, flatSize()));
        } else {
            input.initialize(manager, dataType, inputShapes[0]);
            hidden.initialize(manager, dataType, new Shape(n, arch.hidden()));
        }
        if (arch.timeConditioned()) {
            embedding.initialize(manager, dataType, inputShapes[1]);
            timeProjection.initialize(manager, dataType, new Shape(n, arch.embeddingDim()));
        }
        output.initialize(manager, dataType, new Shape(n, arch.hidden()));
    }

    @Override
    public String toString() {
        return arch.describe();
    }
}
