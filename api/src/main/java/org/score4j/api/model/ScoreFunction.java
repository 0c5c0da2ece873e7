package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The score ∇ₓ log p_t(x | cond) of the perturbed data distribution: the one thing every solver and every
 * guidance sees (Song et al. 2021, §3.2).
 *
 * <p>{@code x} holds one sample per row. Implementations return an array of the same shape, owned by the
 * manager of {@code x} (call operations on {@code x}, not on constants, so that results land in the caller's
 * per-step manager), and must not close or mutate {@code x} or {@code t}.
 */
@FunctionalInterface
public interface ScoreFunction {
    /**
     * The score with one time per row.
     *
     * @param x the batch, shape {@code [n, ...]}
     * @param t the times, shape {@code [n]}, float32 or float64
     */
    NDArray score(NDArray x, NDArray t, Conditioning cond);

    /**
     * The score with the same time for every row. The default builds a time array and calls
     * {@link #score(NDArray, NDArray, Conditioning)}; implementations may override it with a faster path,
     * which must agree with the per-row one.
     */
    default NDArray score(NDArray x, double t, Conditioning cond) {
        double[] times = new double[Math.toIntExact(x.getShape().get(0))];
        java.util.Arrays.fill(times, t);
        try (NDArray tt = x.getManager().create(times)) {
            return score(x, tt, cond);
        }
    }

    /**
     * The floating-point type gradients flow through (API 1.5): a caller that differentiates this score with
     * autograd (a likelihood's trace, a guidance's gradient) makes its differentiated input of this type.
     * Casting between floating-point types is not recorded by DJL's PyTorch autograd, so a score that casts its
     * input (a float32 network given float64 states) cuts the graph; it names the type it computes in here.
     * {@code null}, the default, means the score computes in its input's type.
     *
     * <p>Decorators of another score return their inner score's type.
     */
    default DataType gradientType() {
        return null;
    }
}
