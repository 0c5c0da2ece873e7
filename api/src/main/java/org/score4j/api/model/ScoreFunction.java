package org.score4j.api.model;

import ai.djl.ndarray.NDArray;

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
}
