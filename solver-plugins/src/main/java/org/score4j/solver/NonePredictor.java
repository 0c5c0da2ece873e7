package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Step;

/**
 * The identity predictor of Song et al. 2021 Algorithm 1 ("corrector-only" sampling, as in SMLD/NCSN annealed
 * Langevin dynamics, Song &amp; Ermon 2019): returns x unchanged without evaluating the score or drawing
 * noise. Plugin name {@code none}. Stateless and thread-safe.
 */
public final class NonePredictor implements Predictor {

    @Override
    public Step predict(NDArray x, double t, double tNext, Sde sde, ScoreFunction score, Conditioning cond,
            NoiseSource noise) {
        return Step.of(x);
    }

    @Override
    public String toString() {
        return "none";
    }
}
