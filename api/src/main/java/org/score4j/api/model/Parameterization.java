package org.score4j.api.model;

import ai.djl.ndarray.NDArray;
import org.score4j.api.sde.Marginal;

/**
 * What a network predicts, and the one place where it is converted to a score using the forward process's
 * marginal x_t = m·x_0 + σ·z: score = −ε/σ = (m·x̂_0 − x)/σ² (Song et al. 2021, Appendix C; Ho et al. 2020;
 * Salimans &amp; Ho 2022 for v).
 */
public enum Parameterization {
    /** The network outputs the score itself. */
    SCORE,
    /** The network outputs the noise ε: score = −ε/σ. */
    EPSILON,
    /** The network outputs the clean data x̂_0: score = (m·x̂_0 − x)/σ². */
    X0,
    /** The network outputs v = m·ε − σ·x_0 (for VP, m² + σ² = 1): ε = σ·x + m·v (scaled), score = −ε/σ. */
    V;

    /**
     * Converts a network output to a score.
     *
     * @param output the network's output for {@code x}
     * @param x the noisy input
     * @param marginal m(t) and σ(t) at the (shared) time of the batch
     */
    public NDArray toScore(NDArray output, NDArray x, Marginal marginal) {
        double m = marginal.mean();
        double s = marginal.std();
        switch (this) {
            case SCORE:
                return output;
            case EPSILON:
                return output.div(-s);
            case X0:
                return output.mul(m).sub(x).div(s * s);
            case V: {
                // x = m x0 + s eps, v = m eps - s x0  =>  eps = (s x + m v) / (m^2 + s^2)
                double n2 = m * m + s * s;
                return x.mul(s / n2).add(output.mul(m / n2)).div(-s);
            }
            default:
                throw new AssertionError(this);
        }
    }
}
