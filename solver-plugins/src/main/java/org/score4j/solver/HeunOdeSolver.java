package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.solver.SamplingContext;

/**
 * Heun's method (the explicit trapezoidal rule) for the probability-flow ODE, Song et al. 2021 eq. 13, as
 * used by Karras et al. 2022 (Algorithm 1): an Euler predictor x̃ = x + h·F(x, t) followed by the trapezoidal
 * corrector x' = x + (h/2)·(F(x, t) + F(x̃, t + h)), with F = f(t)x − ½g(t)²s(x, t) and h = t_{i+1} − t_i &lt; 0
 * on the context's grid. Second order; two score evaluations per step, including the last one (t0 &gt; 0, so
 * no step ends at zero noise). Plugin {@code ode} with {@code method=heun}. Stateless and thread-safe.
 */
public final class HeunOdeSolver extends GridOdeSolver {

    @Override
    NDArray advance(NDArray x, double t, double tNext, SamplingContext ctx) {
        double h = tNext - t;
        NDArray k1 = velocity(x, t, ctx);
        NDArray xp = Nd.axpy(x, h, k1);
        NDArray k2 = velocity(xp, tNext, ctx);
        xp.close();
        NDArray sum = k1.add(k2);
        k1.close();
        k2.close();
        NDArray next = Nd.axpy(x, h / 2, sum);
        sum.close();
        return next;
    }

    @Override
    String method() {
        return "heun";
    }
}
