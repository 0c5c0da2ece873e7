package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Corrector;
import org.score4j.api.solver.Step;

/**
 * The identity corrector of Song et al. 2021 Algorithm 1 ("predictor-only" sampling): returns x unchanged
 * without evaluating the score or drawing noise. Plugin name {@code none}. Stateless and thread-safe.
 */
public final class NoneCorrector implements Corrector {

    @Override
    public Step correct(NDArray x, double t, Sde sde, ScoreFunction score, Conditioning cond, NoiseSource noise) {
        return Step.of(x);
    }

    @Override
    public String toString() {
        return "none";
    }
}
