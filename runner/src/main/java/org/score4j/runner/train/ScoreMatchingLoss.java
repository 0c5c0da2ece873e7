package org.score4j.runner.train;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import org.score4j.model.nn.GraphConstants;

/**
 * The training objective, computed from the model's score s_θ(x_t, t) (obtained through the model's
 * {@link org.score4j.api.model.Parameterization}), the noise z that perturbed x_0 into x_t = m(t)·x_0 + σ(t)·z,
 * and σ(t) per example. Both are denoising score matching with the weight λ(t) = σ(t)², whose target
 * ∇ log p(x_t | x_0) = −z/σ(t) makes the residual σ·s_θ + z (Vincent 2011; Song et al. 2021, eq. 7):
 * <ul>
 *   <li>{@link #DSM}: score_sde's continuous loss, ½·Σ_d (σ·s_θ + z)² per example (its
 *       {@code reduce_mean=False}), averaged over the batch;</li>
 *   <li>{@link #EPSILON}: Ho et al. 2020's L_simple (eq. 14), the mean over dimensions of (ε̂ − z)² with
 *       ε̂ = −σ·s_θ, averaged over the batch.</li>
 * </ul>
 * They share their minimizer and differ by the constant factor d/2, which matters through the learning rate
 * and gradient clipping only (for d = 2 they coincide). Stateless.
 */
public enum ScoreMatchingLoss {
    /** Continuous denoising score matching, λ(t) = σ(t)², summed over dimensions (score_sde). */
    DSM,
    /** The ε-prediction loss L_simple (Ho et al. 2020), averaged over dimensions. */
    EPSILON;

    /** The word used on the command line and in manifests. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The loss of {@code word}.
     *
     * @throws IllegalArgumentException for another word
     */
    public static ScoreMatchingLoss ofWord(String word) {
        for (ScoreMatchingLoss l : values()) {
            if (l.word().equals(word)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + word + "'; one of dsm, epsilon");
    }

    /**
     * The scalar loss of a batch.
     *
     * @param score s_θ(x_t, t), shape {@code [n, ...]}
     * @param z the noise, same shape
     * @param std σ(t) per example, broadcastable to the score (shape {@code [n, 1, ...]})
     * @return a scalar array in the manager of {@code score}
     */
    public NDArray compute(NDArray score, NDArray z, NDArray std) {
        NDArray residual = score.mul(std).addi(z);
        NDArray sq = residual.square();
        if (this == EPSILON) {
            return sq.mean();
        }
        long n = score.getShape().get(0);
        // the divisor in engine-owned memory: autograd keeps it for the backward pass (GraphConstants)
        return GraphConstants.divi(sq.sum(), 2.0 * n);
    }
}
