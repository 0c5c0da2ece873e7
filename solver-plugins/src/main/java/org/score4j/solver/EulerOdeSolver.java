package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.solver.SamplingContext;

/**
 * The explicit Euler method for the probability-flow ODE, Song et al. 2021 eq. 13: x_{i+1} = x_i + h·F(x_i,
 * t_i) with F = f(t)x − ½g(t)²s(x, t) and h = t_{i+1} − t_i &lt; 0 on the context's grid. First order; one score
 * evaluation per step. Plugin {@code ode} with {@code method=euler}. Stateless and thread-safe.
 */
public final class EulerOdeSolver extends GridOdeSolver {

    @Override
    NDArray advance(NDArray x, double t, double tNext, SamplingContext ctx) {
        NDArray k = velocity(x, t, ctx);
        NDArray next = Nd.axpy(x, tNext - t, k);
        k.close();
        return next;
    }

    @Override
    String method() {
        return "euler";
    }
}
