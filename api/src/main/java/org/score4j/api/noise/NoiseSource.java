package org.score4j.api.noise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The only source of randomness of a run: one independent stream per sample (row), so that sample i is the
 * same whatever the batch size and whatever else runs in the process.
 *
 * <p>Every draw advances each row's stream by the same amount, so solvers must draw for all rows at once (as
 * the methods here do). Not thread-safe: one run (or one batch of a run) owns a noise source.
 */
public interface NoiseSource {
    /** The number of rows (samples) this source draws for. */
    int rows();

    /** Standard normal values, shape {@code [rows, ...sampleShape]}, float32. */
    default NDArray normal(Shape sampleShape, NDManager manager) {
        return normal(sampleShape, DataType.FLOAT32, manager);
    }

    /** Standard normal values, shape {@code [rows, ...sampleShape]}, of the given float type. */
    NDArray normal(Shape sampleShape, DataType dataType, NDManager manager);

    /** Rademacher values (±1 with probability ½ each), shape {@code [rows, ...sampleShape]}. */
    NDArray rademacher(Shape sampleShape, DataType dataType, NDManager manager);

    /** One uniform value in [0, 1) per row. */
    double[] uniform();

    /** The rows {@code [from, to)} of this source, sharing their streams with it. */
    NoiseSource rows(int from, int to);
}
