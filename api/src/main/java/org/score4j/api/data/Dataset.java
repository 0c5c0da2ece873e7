package org.score4j.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A finite, indexable set of training examples: what a data plugin ({@code --data}) creates for training a
 * score model. Examples are vectors (sample shape {@code (d)}) or images ({@code (C, H, W)}); values are
 * already in model space (see {@link #scaling()}); class labels are optional.
 *
 * <p>A data set is fixed once created: {@link #batch} returns the same values for the same indices every
 * time, so training that draws indices from a seeded stream is reproducible. Implementations hold their data
 * in memory or read it on demand; either way {@link #close()} releases what they hold. Not required to be
 * thread-safe: one training run owns a data set.
 */
public interface Dataset extends AutoCloseable {
    /** The shape of one example, without the batch axis (e.g. {@code (2)} or {@code (1, 28, 28)}). */
    Shape sampleShape();

    /** The number of examples (&gt; 0). */
    int size();

    /**
     * The examples at {@code indices} (each in [0, {@link #size()}), repeats allowed), in that order, as a
     * float32 array of shape {@code [indices.length, ...sampleShape]} created by {@code manager}.
     */
    NDArray batch(int[] indices, NDManager manager);

    /** How stored values were mapped to model space (identity when they are used as stored). */
    DataScaling scaling();

    /** The number of classes labels may name; {@code 0} for an unlabelled data set. */
    default int numClasses() {
        return 0;
    }

    /**
     * The class label of each example at {@code indices}, in [0, {@link #numClasses()}), or {@code -1} for an
     * unlabelled example. The default: all {@code -1}.
     */
    default int[] labels(int[] indices) {
        int[] l = new int[indices.length];
        Arrays.fill(l, -1);
        return l;
    }

    /** Releases what the data set holds. The default has nothing to release. */
    @Override
    default void close() {}
}
