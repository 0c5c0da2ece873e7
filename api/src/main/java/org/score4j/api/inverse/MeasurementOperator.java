package org.score4j.api.inverse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The forward model of an inverse problem on samples of one shape: a measurement y = A(x) + σ_y·ε with
 * ε ~ N(0, I) (Chung et al. 2023, "Diffusion Posterior Sampling for General Noisy Inverse Problems", eq. 1).
 * Operators that are linear implement {@link LinearOperator}.
 *
 * <p><b>Batches and forms.</b> The array methods take one row per sample, either in the sample's own shape
 * ({@code [n, ...sampleShape()]}) or flattened in C order ({@code [n, D]} with D the size of the sample shape),
 * and answer in the same form: {@code [n, ...measurementShape()]} or {@code [n, M]}. Like a
 * {@link org.score4j.api.model.ScoreFunction}, they compute with operations on their input (so gradients flow
 * through them and results land in the caller's memory scope), keep its data type (float32 or float64), never
 * close or mutate it, and treat rows independently: a row's result does not depend on the other rows.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 1.4
 */
public interface MeasurementOperator {
    /** The shape of one sample x, without the batch axis (e.g. {@code (1, 8, 8)} or {@code (2)}). */
    Shape sampleShape();

    /** The shape of one measurement y, without the batch axis. */
    Shape measurementShape();

    /** The standard deviation σ_y ≥ 0 of the Gaussian measurement noise (0: noise-free measurements). */
    double noiseStd();

    /**
     * A(x), the noise-free measurement of every row.
     *
     * @param x shape {@code [n, ...sampleShape()]} or {@code [n, D]}
     * @return shape {@code [n, ...measurementShape()]} or {@code [n, M]} respectively
     * @throws IllegalArgumentException when {@code x} has neither form
     */
    NDArray apply(NDArray x);
}
