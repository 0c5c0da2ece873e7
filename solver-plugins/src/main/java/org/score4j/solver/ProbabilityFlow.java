package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.model.Conditioning;
import org.score4j.api.model.ScoreFunction;
import org.score4j.api.sde.Sde;

/**
 * The velocity of the probability-flow ODE, Song et al. 2021 eq. 13: dx/dt = f(t)x − ½g(t)²∇ₓlog p_t(x).
 * One score evaluation per call; the result is owned by x's manager.
 */
final class ProbabilityFlow {
    private ProbabilityFlow() {}

    /** The velocity at one time shared by all rows. */
    static NDArray velocity(NDArray x, double t, Sde sde, ScoreFunction score, Conditioning cond) {
        double f = sde.driftCoefficient(t);
        double g = sde.diffusion(t);
        NDArray s = score.score(x, t, cond);
        NDArray v = f == 0 ? s.mul(-0.5 * g * g) : Nd.lincomb(f, x, -0.5 * g * g, s);
        Nd.closeUnless(s, x);
        return v;
    }

    /** The velocity with one time per row ({@code t.length} = rows of x). */
    static NDArray velocity(NDArray x, double[] t, Sde sde, ScoreFunction score, Conditioning cond) {
        int n = t.length;
        double[] f = new double[n];
        double[] h = new double[n];
        boolean anyDrift = false;
        for (int i = 0; i < n; i++) {
            f[i] = sde.driftCoefficient(t[i]);
            double g = sde.diffusion(t[i]);
            h[i] = -0.5 * g * g;
            anyDrift |= f[i] != 0;
        }
        NDArray s;
        try (NDArray tt = x.getManager().create(t)) {
            s = score.score(x, tt, cond);
        }
        NDArray hc = Nd.column(x, h);
        NDArray hs = s.mul(hc);
        hc.close();
        Nd.closeUnless(s, x);
        if (!anyDrift) {
            return hs;
        }
        NDArray fc = Nd.column(x, f);
        NDArray fx = x.mul(fc);
        fc.close();
        NDArray v = fx.add(hs);
        fx.close();
        hs.close();
        return v;
    }
}
