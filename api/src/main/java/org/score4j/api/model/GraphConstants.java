package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Constants that an autograd graph may keep, for this package's score conversions (the same rule as
 * model-plugins' public {@code org.score4j.model.nn.GraphConstants}, which other modules use).
 *
 * <p>DJL's PyTorch engine makes an array from Java data ({@code NDManager.create}, and the scalar that the
 * {@code Number} overloads of {@code mul} and {@code div} create and close at once) as a view of a direct buffer
 * that only the Java array object keeps alive. A product or quotient recorded by autograd keeps that array for
 * its backward pass; once the array is closed, a garbage collection before the backward pass frees the buffer
 * and the gradient reads freed memory. The arrays made here hold the same values and data type in memory the
 * engine owns (a copy), so they may be closed as soon as the operation has used them.
 */
final class GraphConstants {
    private GraphConstants() {}

    /** {@code value} as {@code manager.create(value)} makes it (same data type), in engine-owned memory. */
    static NDArray scalar(NDManager manager, Number value) {
        return own(manager.create(value));
    }

    /** A copy of {@code array} in engine-owned memory; closes {@code array}. */
    static NDArray own(NDArray array) {
        try (array) {
            return array.duplicate();
        }
    }

    /** {@code x.mul(value)}, bit for bit, with the scalar in engine-owned memory. */
    static NDArray mul(NDArray x, Number value) {
        try (NDArray c = scalar(x.getManager(), value)) {
            return x.mul(c);
        }
    }

    /** {@code x.div(value)}, bit for bit, with the scalar in engine-owned memory. */
    static NDArray div(NDArray x, Number value) {
        try (NDArray c = scalar(x.getManager(), value)) {
            return x.div(c);
        }
    }
}
