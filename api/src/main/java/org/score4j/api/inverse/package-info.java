/**
 * Inverse problems (API 1.4): measurement operators y = A(x) + σ_y·ε ({@link org.score4j.api.inverse.Operator},
 * bound to a sample shape as a {@link org.score4j.api.inverse.MeasurementOperator}, linear ones as a
 * {@link org.score4j.api.inverse.LinearOperator}) and posterior sampling methods
 * ({@link org.score4j.api.inverse.InverseMethod}), each a plugin kind of its own ({@code operator},
 * {@code method}). The measurements travel with the rows of a batch in the
 * {@link org.score4j.api.model.Conditioning}.
 */
package org.score4j.api.inverse;
