package org.score4j.model.nn;

import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.score4j.api.model.Parameterization;

/**
 * A score model computed by an MLP on vectors of dimension d (see {@link MlpNetwork}): the network maps
 * (x_t, t) to an output that {@link Parameterization} turns into the score (Song et al. 2021, §3.3, with the
 * ε-, σ-scaled-score or x̂₀-parameterization).
 *
 * <p>Parameters, initialization, saving and loading and the score function are those of every network model
 * (see {@link NetworkScoreModel}): its own manager released by {@link #close()}, seed 0 at creation, a score
 * evaluation leaving nothing behind but its result. Unconditional: a conditioning naming a class is refused.
 * Not thread-safe.
 */
public final class MlpScoreModel extends NetworkScoreModel {
    /**
     * A new, untrained model (parameters from seed 0).
     *
     * @param dim the data dimension d
     * @param width units per hidden layer
     * @param depth hidden layers
     * @param embedding the time embedding's kind
     * @param embeddingSize its (even) size
     * @param fourierScale the standard deviation of the Fourier frequencies
     */
    MlpScoreModel(int dim, int width, int depth, TimeEmbedding.Kind embedding, int embeddingSize,
            double fourierScale, Parameterization parameterization) {
        super(MlpModelFactory.NAME, new Shape(dim), 0, parameterization,
                () -> new MlpNetwork(dim, width, depth, new TimeEmbedding(embedding, embeddingSize), fourierScale),
                "mlp(d=" + dim + ", width=" + width + ", depth=" + depth + ", " + embedding.word() + " embedding "
                        + embeddingSize + ", " + parameterization.name().toLowerCase(Locale.ROOT) + ")");
    }
}
