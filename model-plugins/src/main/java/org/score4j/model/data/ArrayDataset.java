package org.score4j.model.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import org.score4j.api.data.DataScaling;
import org.score4j.api.data.Dataset;

/**
 * A data set held in a Java float array (row-major, one example per row), with optional labels. Holds nothing
 * native: {@link #batch} copies the selected rows into a new array of the given manager. Immutable (the arrays
 * are not copied in: the creator hands them over) and thread-safe.
 */
public final class ArrayDataset implements Dataset {
    private final float[] values;
    private final Shape sampleShape;
    private final int rowSize;
    private final int size;
    private final int[] labels;
    private final int numClasses;
    private final DataScaling scaling;

    /**
     * @param values the examples, {@code size × sampleShape.size()} values, already in model space
     * @param labels one label per example in [0, numClasses), or {@code null} for an unlabelled set
     */
    public ArrayDataset(float[] values, Shape sampleShape, int[] labels, int numClasses, DataScaling scaling) {
        this.values = Objects.requireNonNull(values, "values");
        this.sampleShape = Objects.requireNonNull(sampleShape, "sampleShape");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        this.rowSize = Math.toIntExact(sampleShape.size());
        if (rowSize <= 0 || values.length % rowSize != 0 || values.length == 0) {
            throw new IllegalArgumentException(values.length + " values do not form examples of shape " + sampleShape);
        }
        this.size = values.length / rowSize;
        if (labels != null && labels.length != size) {
            throw new IllegalArgumentException(labels.length + " labels for " + size + " examples");
        }
        this.labels = labels;
        this.numClasses = labels == null ? 0 : numClasses;
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public NDArray batch(int[] indices, NDManager manager) {
        float[] out = new float[Math.multiplyExact(indices.length, rowSize)];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= size) {
                throw new IndexOutOfBoundsException("example " + r + " of " + size);
            }
            System.arraycopy(values, r * rowSize, out, i * rowSize, rowSize);
        }
        return manager.create(out, new Shape(indices.length).addAll(sampleShape));
    }

    @Override
    public DataScaling scaling() {
        return scaling;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels == null ? -1 : labels[indices[i]];
        }
        return out;
    }

    /** The values of example {@code row} (a copy). */
    public float[] row(int row) {
        float[] r = new float[rowSize];
        System.arraycopy(values, row * rowSize, r, 0, rowSize);
        return r;
    }

    @Override
    public String toString() {
        return size + " examples of shape " + sampleShape + (labels == null ? "" : ", " + numClasses + " classes");
    }
}
