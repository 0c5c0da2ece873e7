package org.score4j.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constants that an autograd graph may keep: arrays made from Java data in memory the engine owns, for every
 * computation that may be differentiated (training, likelihood traces, guidance and {@code dps} gradients).
 *
 * <p>DJL's PyTorch engine makes an array from Java data ({@code NDManager.create(float[])},
 * {@code create(Number)}, and the scalar that the {@code Number} overloads of {@code mul}, {@code div}, … create
 * and close at once) as a view of a direct buffer that only the Java array object keeps alive: the engine does
 * not own that memory. An operation recorded by autograd keeps what its backward pass needs — the other factor
 * of a product, the divisor of a quotient, the indices of a gather or an embedding — so when such an array is
 * closed before the backward pass, a garbage collection in between frees its buffer and the gradient reads freed
 * memory ({@code x.div(3.0)} got the gradient 0.001 or ∞ instead of 1/3; a closed index array made the backward
 * pass fail with "index … is out of bounds").
 *
 * <p>The arrays made here hold the values and the data type {@code NDManager.create} gives, in a copy the engine
 * owns, so they may be closed as soon as the operation has used them, gradient or not. The scalar operations
 * compute exactly what the {@code Number} overloads compute. Sums and differences with a Java number need none of
 * this: their backward pass keeps neither operand. The cost is one more engine call (the copy) per constant.
 * Stateless and thread-safe.
 */
public final class GraphConstants {
    private GraphConstants() {}

    /** {@code value} as {@code manager.create(value)} makes it (same data type), in engine-owned memory. */
    public static NDArray scalar(NDManager manager, Number value) {
        return own(manager.create(value));
    }

    /** {@code data} as {@code manager.create(data, shape)} makes it, in engine-owned memory. */
    public static NDArray create(NDManager manager, float[] data, Shape shape) {
        return own(manager.create(data, shape));
    }

    /** {@code data} as {@code manager.create(data, shape)} makes it, in engine-owned memory. */
    public static NDArray create(NDManager manager, double[] data, Shape shape) {
        return own(manager.create(data, shape));
    }

    /** {@code data} as {@code manager.create(data, shape)} makes it, in engine-owned memory. */
    public static NDArray create(NDManager manager, int[] data, Shape shape) {
        return own(manager.create(data, shape));
    }

    /** {@code data} as {@code manager.create(data, shape)} makes it, in engine-owned memory (e.g. indices). */
    public static NDArray create(NDManager manager, long[] data, Shape shape) {
        return own(manager.create(data, shape));
    }

    /**
     * A copy of {@code array} in engine-owned memory, in its manager; closes {@code array}, which must not be
     * used afterwards (a view of it shares its memory and is no substitute).
     */
    public static NDArray own(NDArray array) {
        try (array) {
            return array.duplicate();
        }
    }

    /** {@code x.mul(value)}, bit for bit, with the scalar in engine-owned memory. */
    public static NDArray mul(NDArray x, Number value) {
        try (NDArray c = scalar(x.getManager(), value)) {
            return x.mul(c);
        }
    }

    /** {@code x.div(value)}, bit for bit, with the scalar in engine-owned memory. */
    public static NDArray div(NDArray x, Number value) {
        try (NDArray c = scalar(x.getManager(), value)) {
            return x.div(c);
        }
    }

    /** {@code x.muli(value)} (in place; returns {@code x}), bit for bit, with the scalar in engine-owned memory. */
    public static NDArray muli(NDArray x, Number value) {
        try (NDArray c = scalar(x.getManager(), value)) {
            return x.muli(c);
        }
    }

    /** {@code x.divi(value)} (in place; returns {@code x}), bit for bit, with the scalar in engine-owned memory. */
    public static NDArray divi(NDArray x, Number value) {
        try (NDArray c = scalar(x.getManager(), value)) {
            return x.divi(c);
        }
    }
}
