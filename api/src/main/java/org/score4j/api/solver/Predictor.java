package org.score4j.api.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;

/**
 * One step of the reverse-time process from {@code t} to an earlier {@code tNext} (Song et al. 2021, §4.2,
 * Algorithm 1's predictor). A pure function of its arguments: stateless and thread-safe.
 */
public interface Predictor {
    /**
     * @param x the batch at time {@code t}; not closed or mutated
     * @param t the current time
     * @param tNext the next, earlier time ({@code tNext < t})
     */
    Step predict(NDArray x, double t, double tNext, Sde sde, ScoreFunction score, Conditioning cond,
            NoiseSource noise);
}
