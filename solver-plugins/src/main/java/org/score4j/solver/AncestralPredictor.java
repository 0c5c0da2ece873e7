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
 * Ancestral sampling, Ho et al. 2020 (DDPM, Algorithm 2 / eq. 11) and Song et al. 2021 Appendix F (eq. 47 for
 * SMLD): one step of the reverse Markov chain whose transitions are the Gaussian posteriors of the forward
 * kernel, with the posterior mean written with the score.
 *
 * <p>With the transition x_t = a·x_{tNext} + √v·z from {@code tNext} to {@code t} ({@link Sde#transition}):
 * mean = (x + v·s(x, t))/a and x' = mean + std·z. The noise standard deviation is chosen by the key
 * {@code variance}:
 * <ul>
 *   <li>{@code posterior} (default): std = √(v·σ(tNext)²/σ(t)²), the variance of q(x_{tNext} | x_t, x_0):
 *       DDPM's β̃ for VP and eq. 47's σ_{i−1}²(σ_i² − σ_{i−1}²)/σ_i² for VE (score_sde's choice for VE);</li>
 *   <li>{@code transition}: std = √v, DDPM's alternative σ_t² = β_t, which is score_sde's choice for VP.</li>
 * </ul>
 * Both converge to the same process as the grid is refined; they differ by O(Δ) per step. Stateless and
 * thread-safe.
 */
public final class AncestralPredictor implements Predictor {

    /** The noise variance of an ancestral step. */
    public enum Variance {
        /** The posterior variance v·σ(tNext)²/σ(t)². */
        POSTERIOR,
        /** The forward transition variance v. */
        TRANSITION
    }

    private final Variance variance;

    /** @param variance the noise variance of a step */
    public AncestralPredictor(Variance variance) {
        this.variance = java.util.Objects.requireNonNull(variance, "variance");
    }

    /** The noise variance this predictor uses. */
    public Variance variance() {
        return variance;
    }

    @Override
    public Step predict(NDArray x, double t, double tNext, Sde sde, ScoreFunction score, Conditioning cond,
            NoiseSource noise) {
        Transition tr = sde.transition(tNext, t);
        double a = tr.scale();
        double v = tr.variance();
        double std;
        if (variance == Variance.TRANSITION) {
            std = Math.sqrt(v);
        } else {
            double st = sde.marginal(t).std();
            double sn = sde.marginal(tNext).std();
            std = st > 0 ? Math.sqrt(v) * sn / st : 0.0;
        }
        NDArray s = score.score(x, t, cond);
        NDArray mean = Nd.lincomb(1 / a, x, v / a, s);
        Nd.closeUnless(s, x);
        NDArray z = Nd.normalLike(x, noise);
        NDArray next = Nd.axpy(mean, std, z);
        z.close();
        return new Step(next, mean);
    }

    @Override
    public String toString() {
        return "ancestral(" + variance.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
