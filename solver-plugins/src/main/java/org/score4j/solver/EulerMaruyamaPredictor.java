package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.noise.NoiseSource;
import org.score4j.api.sde.Sde;
import org.score4j.api.solver.Predictor;
import org.score4j.api.solver.Step;

/**
 * Euler–Maruyama discretization of the reverse-time SDE, Song et al. 2021 eq. 6:
 * dx = [f(t)x − g(t)²∇ₓlog p_t(x)]dt + g(t)dw̄, integrated backwards from t to tNext.
 *
 * <p>With Δ = t − tNext &gt; 0 and z ~ N(0, I) from the context's noise source:
 * mean = x − (f(t)x − g(t)²s(x, t))·Δ and x' = mean + g(t)√Δ·z. One score evaluation and one noise draw per
 * step. Plugin name {@code euler-maruyama}; no configuration keys. Stateless and thread-safe.
 */
public final class EulerMaruyamaPredictor implements Predictor {

    @Override
    public Step predict(NDArray x, double t, double tNext, Sde sde, ScoreFunction score, Conditioning cond,
            NoiseSource noise) {
        double dt = t - tNext;
        if (!(dt > 0)) {
            throw new IllegalArgumentException("predictor needs tNext < t, got t=" + t + ", tNext=" + tNext);
        }
        double f = sde.driftCoefficient(t);
        double g = sde.diffusion(t);
        NDArray s = score.score(x, t, cond);
        NDArray mean = Nd.lincomb(1 - f * dt, x, g * g * dt, s);
        Nd.closeUnless(s, x);
        NDArray z = Nd.normalLike(x, noise);
        NDArray next = Nd.axpy(mean, g * Math.sqrt(dt), z);
        z.close();
        return new Step(next, mean);
    }

    @Override
    public String toString() {
        return "euler-maruyama";
    }
}
