package org.score4j.solver;

import ai.djl.ndarray.NDArray;
import org.score4j.api.solver.SamplingContext;

/**
 * The classic fourth-order Runge–Kutta method for the probability-flow ODE, Song et al. 2021 eq. 13:
 * k1 = F(x, t), k2 = F(x + h/2·k1, t + h/2), k3 = F(x + h/2·k2, t + h/2), k4 = F(x + h·k3, t + h) and
 * x' = x + h/6·(k1 + 2k2 + 2k3 + k4), with F = f(t)x − ½g(t)²s(x, t) and h = t_{i+1} − t_i &lt; 0 on the
 * context's grid. Four score evaluations per step. Plugin {@code ode} with {@code method=rk4}. Stateless and
 * thread-safe.
 */
public final class Rk4OdeSolver extends GridOdeSolver {

    @Override
    NDArray advance(NDArray x, double t, double tNext, SamplingContext ctx) {
        double h = tNext - t;
        double tm = t + h / 2;
        NDArray k1 = velocity(x, t, ctx);
        NDArray x2 = Nd.axpy(x, h / 2, k1);
        NDArray k2 = velocity(x2, tm, ctx);
        x2.close();
        NDArray x3 = Nd.axpy(x, h / 2, k2);
        NDArray k3 = velocity(x3, tm, ctx);
        x3.close();
        NDArray x4 = Nd.axpy(x, h, k3);
        NDArray k4 = velocity(x4, tNext, ctx);
        x4.close();
        NDArray mid = k2.add(k3);
        NDArray ends = k1.add(k4);
        NDArray sum = Nd.axpy(ends, 2.0, mid);
        for (NDArray a : new NDArray[] {k1, k2, k3, k4, mid, ends}) {
            a.close();
        }
        NDArray next = Nd.axpy(x, h / 6, sum);
        sum.close();
        return next;
    }

    @Override
    String method() {
        return "rk4";
    }
}
