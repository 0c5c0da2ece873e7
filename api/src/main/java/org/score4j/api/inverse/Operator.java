package org.score4j.api.inverse;

import ai.djl.ndarray.types.Shape;

/**
 * What an operator plugin ({@code --operator}) creates: a configured measurement, not yet tied to a sample
 * shape. The runner binds it to the model's sample shape (or to the rows of a data file) before any work
 * starts. Immutable and thread-safe.
 *
 * @since 1.4
 */
@FunctionalInterface
public interface Operator {
    /**
     * The measurement of samples of {@code sampleShape}.
     *
     * @param sampleShape the shape of one sample, without the batch axis
     * @throws org.score4j.api.ConfigException when the operator does not apply to such samples (e.g. colorizing
     *     samples without 3 channels, a mask of another size, a pooling factor that does not divide the image),
     *     naming the key and what is allowed
     */
    MeasurementOperator bind(Shape sampleShape);
}
