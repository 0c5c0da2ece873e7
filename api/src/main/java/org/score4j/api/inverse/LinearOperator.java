package org.score4j.api.inverse;

import ai.djl.ndarray.NDArray;

/**
 * A linear measurement y = A·x + σ_y·ε: what the projection method and the closed-form posterior of a
 * Gaussian mixture need besides A itself, its adjoint Aᵀ and its Moore–Penrose pseudo-inverse A⁺.
 *
 * <p>Both methods follow the batch and form conventions of {@link MeasurementOperator}: rows of measurements
 * in the measurement's shape ({@code [n, ...measurementShape()]}) give rows in the sample's shape, flattened
 * rows ({@code [n, M]}) give flattened rows ({@code [n, D]}).
 *
 * <p>Contract (checked by the operator tests): ⟨A·x, y⟩ = ⟨x, Aᵀ·y⟩ for all x, y; A·A⁺·A = A and
 * A⁺·A·A⁺ = A⁺ (for operators whose pseudo-inverse truncates small singular values, on the kept subspace).
 * Immutable and thread-safe.
 *
 * @since 1.4
 */
public interface LinearOperator extends MeasurementOperator {
    /**
     * Aᵀ·y for every row.
     *
     * @param y shape {@code [n, ...measurementShape()]} or {@code [n, M]}
     * @return shape {@code [n, ...sampleShape()]} or {@code [n, D]} respectively
     */
    NDArray adjoint(NDArray y);

    /**
     * A⁺·y for every row: the least-squares solution of A·x = y of least norm (for an operator with full row
     * rank, Aᵀ(A·Aᵀ)⁻¹y, so that A·A⁺·y = y).
     *
     * @param y shape {@code [n, ...measurementShape()]} or {@code [n, M]}
     * @return shape {@code [n, ...sampleShape()]} or {@code [n, D]} respectively
     */
    NDArray pseudoInverse(NDArray y);
}
