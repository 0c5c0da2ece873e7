package org.score4j.api.inverse;

import org.score4j.api.guidance.Guidance;

/**
 * What a method plugin ({@code --method}) creates: a way to sample the posterior p(x | y) of a measurement
 * with a prior score model. A method becomes a {@link Guidance} for one measurement operator; the guidance
 * reads the measurement of each row from the {@link org.score4j.api.model.Conditioning} the solver passes
 * ({@link org.score4j.api.model.Conditioning#measurements}) and turns the prior score into (an approximation
 * of) the posterior score ∇ₓ log p_t(x | y). A guidance that also corrects the sample after each update
 * (measurement-consistent replacement) implements {@link org.score4j.api.guidance.StateCorrection}.
 *
 * <p>The runner applies the method's guidance last, around the pipeline's own guidances. Immutable and
 * thread-safe.
 *
 * @since 1.4
 */
@FunctionalInterface
public interface InverseMethod {
    /**
     * The method's guidance for measurements of {@code operator}.
     *
     * @throws org.score4j.api.ConfigException when the method cannot handle the operator (e.g. a method that
     *     needs a {@link LinearOperator} given another one, or one that needs measurement noise σ_y &gt; 0)
     */
    Guidance guidance(MeasurementOperator operator);
}
