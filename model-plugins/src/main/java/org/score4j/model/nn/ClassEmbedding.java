package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A learned class embedding for classifier-free guidance (Ho &amp; Salimans 2022, §3.2): a table of K + 1 rows
 * of size E, row K being the null (unconditional) label, looked up as one-hot(labels)·table so that the
 * operation is called on the labels and the result belongs to their manager.
 *
 * <p>The table starts N(0, {@value #INIT_STD}²) ({@link #initializer}), as DiT's label embedding (Peebles &amp;
 * Xie 2023): the labels start close together, so they do not drown out the time features while the classes are
 * learned.
 *
 * <p>Input {@code NDList(labels)} with labels int32 of shape {@code [n]} and values in 0..K; output
 * {@code [n, E]} float32. Not thread-safe in training (as every block).
 */
final class ClassEmbedding extends AbstractBlock {
    /** The standard deviation of the initial table. */
    static final double INIT_STD = 0.02;
    private static final byte VERSION = 1;

    private final int numClasses;
    private final int size;
    private final Parameter table;

    /**
     * @param numClasses K (&gt; 0); the table has K + 1 rows
     * @param size E, the size of each row
     */
    ClassEmbedding(int numClasses, int size) {
        super(VERSION);
        if (numClasses < 1 || size < 1) {
            throw new IllegalArgumentException("need numClasses >= 1 and size >= 1, got " + numClasses + ", " + size);
        }
        this.numClasses = numClasses;
        this.size = size;
        this.table = addParameter(Parameter.builder().setName("table").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numClasses + 1, size)).build());
    }

    /** The table of K + 1 rows. */
    Parameter table() {
        return table;
    }

    /** The table's initializer, N(0, {@value #INIT_STD}²) from a stream seeded with {@code seed}. */
    static Initializer initializer(long seed) {
        return new SeededInit(SeededInit.Kind.GAUSSIAN, seed, INIT_STD);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray labels = inputs.singletonOrThrow();
        NDArray w = ps.getValue(table, labels.getDevice(), training);
        NDArray index = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        NDArray oneHot = index.oneHot(numClasses + 1, w.getDataType());
        return new NDList(oneHot.matMul(w));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), size)};
    }

    @Override
    public String toString() {
        return "class embedding (" + numClasses + " classes + null, " + size + ")";
    }
}
