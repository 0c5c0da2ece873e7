package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.sde.Transition;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Step;

/**
 * The reverse-diffusion predictor, Song et al. 2021 eq. 46: the reverse SDE discretized with the same
 * kernel as the forward one, x_{i} = x_{i+1} − f_{i+1}(x_{i+1}) + G_{i+1}²s(x_{i+1}) + G_{i+1}z, where the forward
 * discretization f, G is taken from the exact transition kernel of the SDE.
 *
 * <p>With the transition x_t = a·x_{tNext} + √v·z from {@code tNext} to {@code t} ({@link Sde#transition}),
 * the forward step is f = (a − 1)x and G² = v, so mean = (2 − a)·x + v·s(x, t) and x' = mean + √v·z. For
 * VP this is score_sde's (2 − √(1−β))x + βs; for VE (a = 1) it is x + (σ_t² − σ_{tNext}²)s. Plugin name
 * {@code reverse-diffusion}; no configuration keys. Stateless and thread-safe.
 */
public final class ReverseDiffusionPredictor implements Predictor {

    @Override
    public Step predict(NDArray x, double t, double tNext, Sde sde, ScoreFunction score, Conditioning cond,
            NoiseSource noise) {
        Transition tr = sde.transition(tNext, t);
        double a = tr.scale();
        double v = tr.variance();
        NDArray s = score.score(x, t, cond);
        NDArray mean = Nd.lincomb(2 - a, x, v, s);
        Nd.closeUnless(s, x);
        NDArray z = Nd.normalLike(x, noise);
        NDArray next = Nd.axpy(mean, Math.sqrt(v), z);
        z.close();
        return new Step(next, mean);
    }

    @Override
    public String toString() {
        return "reverse-diffusion";
    }
}
