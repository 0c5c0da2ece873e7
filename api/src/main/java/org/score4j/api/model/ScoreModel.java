package org.score4j.api.model;

import ai.djl.ndarray.types.Shape;
import org.score4j.api.sde.Sde;

/**
 * A score model: what a model plugin creates. It binds to the pipeline's forward process to give the
 * {@link ScoreFunction} solvers use.
 *
 * <p>A model owns native resources (parameters, constants) and releases them in {@link #close()}. The score
 * functions it returns are usable until then, from one thread at a time.
 */
public interface ScoreModel extends AutoCloseable {
    /** The shape of one sample, without the batch axis (e.g. {@code (2)} or {@code (1, 28, 28)}). */
    Shape sampleShape();

    /** The score of the data perturbed by {@code sde}. */
    ScoreFunction scoreFunction(Sde sde);

    /**
     * The number of classes a {@link Conditioning} may name ({@code 0} when the model only has an
     * unconditional score).
     */
    default int numClasses() {
        return 0;
    }

    @Override
    default void close() {}
}
