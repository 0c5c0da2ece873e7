package org.score4j.api.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;

/**
 * A score-based MCMC correction at a fixed time {@code t} (Song et al. 2021, §4.2, Algorithm 1's corrector).
 * A pure function of its arguments: stateless and thread-safe.
 */
public interface Corrector {
    /**
     * @param x the batch at time {@code t}; not closed or mutated
     */
    Step correct(NDArray x, double t, Sde sde, ScoreFunction score, Conditioning cond, NoiseSource noise);
}
