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

    /**
     * Whether the model has an unconditional score: whether {@link Conditioning#NONE}, and rows labelled
     * {@code -1}, give ∇ₓ log p_t(x) rather than an error. True for unconditional models and for class-conditional
     * ones that also learned the unconditional score (a network trained with label dropout, see
     * {@link TrainableScoreModel}); false for a class-conditional network whose null label was never trained,
     * which only gives class-conditional scores. Guidances that need the unconditional score (classifier-free
     * guidance at a scale other than 1) and a pipeline without guidance check it before sampling starts.
     *
     * @since 1.3
     */
    default boolean hasUnconditionalScore() {
        return true;
    }

    @Override
    default void close() {}
}
