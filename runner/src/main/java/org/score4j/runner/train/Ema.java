package org.score4j.runner.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The exponential moving average of the weights used for sampling (Polyak averaging; score_sde's
 * {@code ExponentialMovingAverage} with {@code use_num_updates}, Song et al. 2021, Appendix H):
 * θ̄ ← d_k·θ̄ + (1 − d_k)·θ after update k, with d_k = min(decay, (1 + k)/(10 + k)) so that the average
 * follows the weights closely early in training. Stateless: k is the caller's iteration count.
 */
final class Ema {
    private final double decay;

    Ema(double decay) {
        this.decay = decay;
    }

    /** The decay applied after update {@code k} (1-based). */
    double decayAt(long k) {
        return Math.min(decay, (1.0 + k) / (10.0 + k));
    }

    /** Moves {@code average} (in place) towards {@code params} after update {@code k}. */
    void update(List<NDArray> average, List<NDArray> params, long k) {
        double d = decayAt(k);
        for (int i = 0; i < average.size(); i++) {
            average.get(i).muli(d).addi(params.get(i).mul(1 - d));
        }
    }
}
