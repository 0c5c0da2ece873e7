package org.score4j.model.nn;

import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.Parameterization;

/**
 * A score model computed by an MLP on vectors of dimension d (see {@link MlpNetwork}): the network maps
 * (x_t, t) to an output that {@link Parameterization} turns into the score (Song et al. 2021, §3.3, with the
 * ε-, σ-scaled-score or x̂₀-parameterization).
 *
 * <p>Parameters, initialization, saving and loading and the score function are those of every network model
 * (see {@link NetworkScoreModel}).
 *
 * <p><b>Classes.</b> With K = 0 classes the model is unconditional and a {@link Conditioning} naming a class is
 * refused. With K &gt; 0 the network also takes each row's label (the row's class, or the null label K for an
 * unconditional row; {@link Conditioning#labels(int, int)}); a class {@code >= K} is refused, and so is an
 * unconditional row when the null label was never trained ({@link #hasUnconditionalScore()} false, as a
 * checkpoint trained without label dropout records). Not thread-safe.
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
     * @param numClasses K, 0 for an unconditional model
     * @param nullLabelTrained whether the null label was trained (ignored when K = 0: then it is the only score)
     */
    MlpScoreModel(int dim, int width, int depth, TimeEmbedding.Kind embedding, int embeddingSize,
            double fourierScale, Parameterization parameterization, int numClasses, boolean nullLabelTrained) {
        super(MlpModelFactory.NAME, new Shape(dim), numClasses, nullLabelTrained, parameterization,
                () -> new MlpNetwork(dim, width, depth, new TimeEmbedding(embedding, embeddingSize), fourierScale,
                        numClasses),
                "mlp(d=" + dim + ", width=" + width + ", depth=" + depth + ", " + embedding.word() + " embedding "
                        + embeddingSize + ", " + parameterization.name().toLowerCase(Locale.ROOT)
                        + (numClasses > 0 ? ", " + numClasses + " classes" + (nullLabelTrained ? " + null" : "") : "")
                        + ")");
    }
}
